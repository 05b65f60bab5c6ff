import type { ServerResponse } from 'node:http';
import { pieces, sleep } from './scripted-fake';

/**
 * The fake's Responses API (`POST …/responses`), written from OpenAI's API reference and streaming-events reference:
 * the response object, and the SSE sequence created → in_progress → per item (output_item.added, content or
 * argument or reasoning-summary deltas, output_item.done) → completed (with usage) or failed.
 */
/** What an answer contains and how its stream misbehaves (chat completions use the same fields). */
export interface ResponsesScript {
  /** Text content of the answer. */
  content?: string;
  /** Answer with this function call instead of text. */
  toolCall?: { name: string; arguments: string };
  /** A reasoning item first; its `encrypted_content` is sent only when the request includes it. */
  reasoning?: { summary: string; encryptedContent: string };
  cachedTokens?: number;
  reasoningTokens?: number;
  /** Report this prompt size instead of the one computed from the request (the same usage across wires). */
  promptTokens?: number;
  /** Report this output count (reasoning included) instead of the one computed from the answer. */
  outputTokens?: number;
  /** End the stream (or the JSON answer) as failed with this error, after the items. */
  failWith?: { code: string; message: string };
  /** Delay between stream events. */
  chunkDelayMs?: number;
  /** Close the connection after this many stream events. */
  cutAfterEvents?: number;
  /** Write each event in two TCP writes, splitting inside the JSON (and inside a multi-byte character if any). */
  splitEvents?: boolean;
}

type Item = Record<string, unknown>;

export function responsesTokens(body: Record<string, unknown>): number {
  return 10 + Math.ceil(JSON.stringify(body.input ?? '').length / 4) + Math.ceil(String(body.instructions ?? '').length / 4);
}

/** Stored responses of the fake (`store` not false), by id, with the input they were created from. */
export type ResponseStore = Map<string, { response: Record<string, unknown>; input: unknown }>;

export async function answerResponses(
  body: Record<string, unknown>,
  script: ResponsesScript,
  res: ServerResponse,
  id: string,
  store: ResponseStore,
): Promise<void> {
  const created_at = 1_764_460_800;
  const includeEncrypted = Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content');
  const items: Item[] = [];
  if (script.reasoning) {
    items.push({
      id: 'rs_fake_0001',
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: script.reasoning.summary }],
      ...(includeEncrypted ? { encrypted_content: script.reasoning.encryptedContent } : {}),
    });
  }
  if (script.toolCall) {
    items.push({
      id: 'fc_fake_0001',
      type: 'function_call',
      status: 'completed',
      arguments: script.toolCall.arguments,
      call_id: 'call_fake_0001',
      name: script.toolCall.name,
    });
  } else {
    const text = script.content ?? 'Hello from the fake Responses API!';
    items.push({
      id: 'msg_fake_0001',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
    });
  }
  const inputTokens = script.promptTokens ?? responsesTokens(body);
  const reasoningTokens = script.reasoningTokens ?? (script.reasoning ? 12 : 0);
  const outputTokens =
    script.outputTokens ?? reasoningTokens + Math.ceil(JSON.stringify(items.filter((i) => i.type !== 'reasoning')).length / 8);
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: Math.min(script.cachedTokens ?? 0, inputTokens) },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
  const response = (status: string, output: Item[], withUsage: boolean) => ({
    id,
    object: 'response',
    created_at,
    status,
    background: false,
    error: status === 'failed' ? { code: script.failWith!.code, message: script.failWith!.message } : null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: String(body.model),
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: body.reasoning ?? { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: withUsage ? usage : null,
    user: null,
    metadata: body.metadata ?? {},
    ...(status === 'completed' ? { completed_at: created_at + 2 } : {}),
  });
  const finalStatus = script.failWith ? 'failed' : 'completed';
  if (body.store !== false && !script.failWith) store.set(id, { response: response(finalStatus, items, true), input: body.input });

  if (body.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json', 'openai-model': `${String(body.model)}-2026-01-01` });
    res.end(JSON.stringify(response(finalStatus, items, !script.failWith)));
    return;
  }

  const events: Item[] = [
    { type: 'response.created', response: response('in_progress', [], false) },
    { type: 'response.in_progress', response: response('in_progress', [], false) },
  ];
  items.forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === 'reasoning') {
      const summary = script.reasoning!.summary;
      events.push({ type: 'response.output_item.added', output_index, item: { ...item, summary: [], encrypted_content: null } });
      events.push({
        type: 'response.reasoning_summary_part.added',
        item_id,
        output_index,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
      for (const delta of pieces(summary, 6))
        events.push({ type: 'response.reasoning_summary_text.delta', item_id, output_index, summary_index: 0, delta });
      events.push({ type: 'response.reasoning_summary_text.done', item_id, output_index, summary_index: 0, text: summary });
      events.push({
        type: 'response.reasoning_summary_part.done',
        item_id,
        output_index,
        summary_index: 0,
        part: { type: 'summary_text', text: summary },
      });
    } else if (item.type === 'function_call') {
      events.push({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of pieces(String(item.arguments), 4))
        events.push({ type: 'response.function_call_arguments.delta', item_id, output_index, delta });
      events.push({ type: 'response.function_call_arguments.done', item_id, output_index, name: item.name, arguments: item.arguments });
    } else {
      const text = (item.content as { text: string }[])[0]!.text;
      const part = { type: 'output_text', annotations: [], logprobs: [] };
      events.push({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress', content: [] } });
      events.push({ type: 'response.content_part.added', item_id, output_index, content_index: 0, part: { ...part, text: '' } });
      for (const delta of pieces(text, 5))
        events.push({ type: 'response.output_text.delta', item_id, output_index, content_index: 0, delta, logprobs: [] });
      events.push({ type: 'response.output_text.done', item_id, output_index, content_index: 0, text, logprobs: [] });
      events.push({ type: 'response.content_part.done', item_id, output_index, content_index: 0, part: { ...part, text } });
    }
    events.push({ type: 'response.output_item.done', output_index, item });
  });
  events.push({ type: `response.${finalStatus}`, response: response(finalStatus, items, !script.failWith) });

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'openai-model': `${String(body.model)}-2026-01-01`,
    'x-codex-turn-state': 'fake-turn-state-1',
  });
  for (let i = 0; i < events.length; i++) {
    if (script.cutAfterEvents !== undefined && i >= script.cutAfterEvents) {
      res.socket?.end();
      return;
    }
    if (res.destroyed) return;
    const event = events[i]!;
    const text = `event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: i })}\n\n`;
    if (script.splitEvents) {
      const bytes = Buffer.from(text);
      const middle = Math.floor(bytes.length / 2);
      res.write(bytes.subarray(0, middle));
      await sleep(2); // let the first half leave as its own segment
      res.write(bytes.subarray(middle));
    } else res.write(text);
    if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
  }
  res.end();
}

/** `POST /responses/compact`: the whole window compacted into one opaque `compaction` item, with usage. */
export function compactResponse(body: Record<string, unknown>, res: ServerResponse): void {
  const inputTokens = responsesTokens(body);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'resp_compact_0001',
      object: 'response.compaction',
      created_at: 1_764_460_800,
      output: [{ type: 'compaction', id: 'cmp_fake_0001', encrypted_content: 'gAAAAB-compacted-window' }],
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 50,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + 50,
      },
    }),
  );
}
