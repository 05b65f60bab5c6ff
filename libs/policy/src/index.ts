// The policy lib arrives with its issue; nothing is exported yet.
export {};
