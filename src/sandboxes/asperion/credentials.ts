/**
 * The app registration and login every sandbox instance knows, so a client can be configured
 * without a partner account (§1.1). Not secrets: they only open this local sandbox. The app's
 * redirect URIs are the setting `redirectUris`.
 */
export const defaultClientId = 'koppel-sandbox';
export const defaultClientSecret = 'koppel-sandbox-secret';
export const defaultUsername = 'demo@koppel.test';
export const defaultPassword = 'demo';
