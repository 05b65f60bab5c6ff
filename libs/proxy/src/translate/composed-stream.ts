import type { NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import type { StreamProtocol } from '../relay/stream-protocols';

/**
 * Two stream translations in a row, through the Chat Completions wire in the middle (e.g. Gemini's SSE → chat
 * chunks → Anthropic events): the provider's stream goes into `inner`, each chat event it emits into `outer`. Usage
 * and upstream failures are the inner protocol's (it reads the provider's own numbers); the client sees the outer's.
 */
export class ComposedStream implements StreamProtocol {
  constructor(
    private readonly inner: StreamProtocol,
    private readonly outer: StreamProtocol,
  ) {}

  get usage(): NormalizedUsage | undefined {
    return this.inner.usage;
  }

  get complete(): boolean {
    return this.inner.complete && this.outer.complete;
  }

  get upstreamFailure(): { code: string; message: string } | undefined {
    return this.inner.upstreamFailure;
  }

  forward(event: string): string | undefined {
    return this.pass(this.inner.forward(event));
  }

  upstreamEnded(): string | undefined {
    const closing = this.pass(this.inner.upstreamEnded?.());
    const outerClosing = this.outer.upstreamEnded?.();
    return closing || outerClosing ? `${closing ?? ''}${outerClosing ?? ''}` : undefined;
  }

  failure(error: GatewayError, message?: string): string {
    return this.outer.failure(error, message);
  }

  /** The middle wire's text, split into its events and handed to the outer translation. */
  private pass(middle: string | undefined): string | undefined {
    if (!middle) return undefined;
    let out = '';
    for (const event of middle.split('\n\n')) if (event) out += this.outer.forward(event) ?? '';
    return out || undefined;
  }
}
