/**
 * Plain types and string-literal unions shared by the gateway and the console.
 * No framework imports: the console compiles this file too.
 */
export * from './domain';
export * from './money';
