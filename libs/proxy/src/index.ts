import { StoredResponseEntity } from './responses/stored-response.entity';

export const PROXY_ENTITIES = [StoredResponseEntity];
export { ProxyModule } from './proxy.module';
export { ResponsesProbe, type ResponsesProbeResult } from './responses/responses-probe.service';
export { OpenAiExceptionFilter } from './errors/openai-exception.filter';
export { GatewayError, GatewayErrors } from './errors/gateway-error';
export { PreflightGuard, V1_ENDPOINT } from './preflight/preflight.guard';
export { callableRoutes } from './preflight/callable-routes';
