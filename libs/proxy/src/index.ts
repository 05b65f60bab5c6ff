// The proxy lib arrives with its issue; nothing is exported yet.
export {};
