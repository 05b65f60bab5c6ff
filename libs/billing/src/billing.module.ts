import { Module } from '@nestjs/common';
import { LedgerWriter } from './ledger/ledger-writer.service';
import { PriceBook } from './prices/price-book.service';
import { QuotaService } from './quota/quota.service';

@Module({ providers: [LedgerWriter, PriceBook, QuotaService], exports: [LedgerWriter, PriceBook, QuotaService] })
export class BillingModule {}
