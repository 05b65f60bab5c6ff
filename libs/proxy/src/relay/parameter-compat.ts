import { Injectable } from '@nestjs/common';
import type { ModelRoute } from '@allot/catalog';

/**
 * P1: parameters a model refuses. Clients send the same request to every model (a `temperature` from a UI slider,
 * `max_tokens` from an older SDK), and reasoning models refuse some of them with a 400. The strategy, in order:
 * 1. known-model rules rewrite the request before it is sent (reasoning families take `max_completion_tokens`);
 * 2. rules learned from this model's own refusals in the last hour are applied the same way;
 * 3. otherwise a 400 naming one adjustable parameter leads to one retry without it (nothing was generated, so
 *    nothing is billed twice), and the rule is learned for the next calls.
 * Only parameters whose absence changes style, never cost, limits or meaning, are dropped; the output cap is renamed,
 * never dropped. Anything else reaches the client as the provider's 400. The client sees what was changed in the
 * `x-allot-adjusted-params` response header.
 */
const DROPPABLE = new Set([
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'seed',
  'parallel_tool_calls',
  'reasoning_effort',
]);
const RENAMED: Record<string, string> = { max_tokens: 'max_completion_tokens' };

/** OpenAI's reasoning families on OpenAI and Azure: they accept `max_completion_tokens` only. */
const REASONING_MODEL = /^(o\d|gpt-5)(?!.*-chat)/i;
const LEARNED_FOR_MS = 60 * 60 * 1000;

/** The parameter a provider's 400 refuses, if the refusal names one (`param`, or OpenAI's and Azure's messages). */
export function refusedParameter(status: number, errorText: string): string | undefined {
  if (status !== 400) return undefined;
  let error: { param?: unknown; code?: unknown; message?: unknown } | undefined;
  try {
    error = (JSON.parse(errorText) as { error?: typeof error }).error;
  } catch {
    return undefined;
  }
  const message = typeof error?.message === 'string' ? error.message : '';
  const fromMessage =
    /Unsupported (?:parameter|value): '([\w.]+)'/.exec(message)?.[1] ?? /Unrecognized request argument supplied: (\w+)/.exec(message)?.[1];
  if (fromMessage) return fromMessage;
  const unsupported = error?.code === 'unsupported_parameter' || error?.code === 'unsupported_value';
  return unsupported && typeof error?.param === 'string' ? error.param : undefined;
}

/** Rewrites `body` in place for the given parameters; returns those it changed. */
export function adjustParameters(body: Record<string, unknown>, params: Iterable<string>): string[] {
  const changed: string[] = [];
  for (const param of params) {
    if (!(param in body)) continue;
    const renamed = RENAMED[param];
    if (renamed) {
      if (!(renamed in body)) body[renamed] = body[param];
    } else if (!DROPPABLE.has(param)) continue;
    delete body[param];
    changed.push(param);
  }
  return changed;
}

export function isAdjustable(param: string): boolean {
  return DROPPABLE.has(param) || param in RENAMED;
}

/** The rules per model: built in for known families, learned from refusals (per process, for an hour). */
@Injectable()
export class ParameterRules {
  private readonly learned = new Map<string, Map<string, number>>();

  /** Parameters to adjust before sending a chat call to this route. */
  for(route: ModelRoute): string[] {
    const rules: string[] = [];
    if ((route.provider.type === 'openai' || route.provider.type === 'azure-openai') && REASONING_MODEL.test(route.upstreamName)) {
      rules.push('max_tokens');
    }
    const learned = this.learned.get(route.modelId);
    if (learned) {
      const now = Date.now();
      for (const [param, until] of learned) {
        if (until > now) rules.push(param);
        else learned.delete(param);
      }
    }
    return rules;
  }

  learn(modelId: string, param: string): void {
    let learned = this.learned.get(modelId);
    if (!learned) this.learned.set(modelId, (learned = new Map()));
    learned.set(param, Date.now() + LEARNED_FOR_MS);
  }
}
