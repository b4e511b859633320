export * from './channel.ts';
export * from './create-channel.ts';
export * from './email-channel.ts';
export * from './outbox-channel.ts';
export * from './plugin-channel-config.ts';
export * from './webhook-channel.ts';
