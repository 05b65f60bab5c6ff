/**
 * An expected failure with a stable code. Each surface's exception filter maps it to its wire shape
 * (admin API: `{statusCode, code, message}`); the CLI prints `code: message`.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
