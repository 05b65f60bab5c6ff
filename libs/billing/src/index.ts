import { PriceVersionEntity } from './prices/entities/price-version.entity';
import { CallRecordEntity } from './ledger/entities/call-record.entity';

export { PriceVersionEntity, CallRecordEntity };
export const BILLING_ENTITIES = [PriceVersionEntity, CallRecordEntity];
