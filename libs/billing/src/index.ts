import { PriceVersionEntity } from './prices/entities/price-version.entity';
import { CallRecordEntity } from './ledger/entities/call-record.entity';

export { PriceVersionEntity, CallRecordEntity };
export const BILLING_ENTITIES = [PriceVersionEntity, CallRecordEntity];
export { BillingModule } from './billing.module';
export { LedgerWriter, type CallRecordInput } from './ledger/ledger-writer.service';
export { PriceBook, type CallCost } from './prices/price-book.service';
export {
  normalizeAnthropicUsage,
  normalizeGeminiUsage,
  normalizeOpenAiUsage,
  totalTokens,
  ZERO_USAGE,
  type NormalizedUsage,
} from './ledger/usage';
export { priceTokens } from './prices/pricing';
export { QuotaService, QuotaRejection, type Admission, type AllocationLimits, type QuotaRejectionKind } from './quota/quota.service';
