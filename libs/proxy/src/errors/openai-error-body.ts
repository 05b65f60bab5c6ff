import { GatewayError } from './gateway-error';

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAiErrorBody(error: GatewayError): OpenAiErrorBody {
  return { error: { message: error.message, type: error.type, param: error.extra.param ?? null, code: error.code } };
}

/** Never let a provider key or a bearer token echo back through an upstream error message. */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out.replace(/\b(sk-[A-Za-z0-9_-]{6,}|allot_k1_[A-Za-z0-9_-]{6,})/g, '[redacted]');
}
