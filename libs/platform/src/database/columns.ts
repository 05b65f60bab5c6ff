import { Column, CreateDateColumn, UpdateDateColumn, type ColumnOptions, type ValueTransformer } from 'typeorm';

/**
 * BIGINT columns arrive from `pg` as strings (they can exceed 2^53). Token counts and micro-dollar amounts
 * stay far below that, so they are numbers in the domain; the transformer refuses values that would lose precision.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null || value === undefined) return value;
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT value ${value} exceeds the safe integer range`);
    return n;
  },
};

/** A BIGINT read as a number (see `bigintAsNumber`). */
export const BigIntColumn = (name: string, options: Omit<ColumnOptions, 'type' | 'name' | 'transformer'> = {}) =>
  Column({ ...options, name, type: 'bigint', transformer: bigintAsNumber });

/** `timestamptz` column; all times are stored with their zone. */
export const TimestampColumn = (name: string, options: Omit<ColumnOptions, 'type' | 'name'> = {}) =>
  Column({ ...options, name, type: 'timestamptz' });

export const CreatedAtColumn = () => CreateDateColumn({ name: 'created_at', type: 'timestamptz' });
export const UpdatedAtColumn = () => UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' });
