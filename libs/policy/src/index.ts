export { decideModelAccess, type AccessDecision, type ModelAccessPolicy } from './access/model-access';
