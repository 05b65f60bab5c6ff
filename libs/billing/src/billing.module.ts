import { Module } from '@nestjs/common';
import { LedgerWriter } from './ledger/ledger-writer.service';
import { PriceBook } from './prices/price-book.service';

@Module({ providers: [LedgerWriter, PriceBook], exports: [LedgerWriter, PriceBook] })
export class BillingModule {}
