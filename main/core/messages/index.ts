export * from './sms.ts';
export * from './template.ts';
