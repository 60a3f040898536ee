/** Array spec: validation, defaults and "RxC" parsing. */
export * from './spec';
