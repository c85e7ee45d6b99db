// Bot Framework authentication from our config: botbuilder's own inbound JWT checks and outbound
// tokens. Without an app id botbuilder accepts any caller: local development only.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import type { Config } from "../../src/config.js";

export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  appType?: string;
  tenantId?: string;
}

export function cloudAdapter(cfg: TeamsConfig): CloudAdapter {
  const settings: Record<string, string> = {};
  if (cfg.appId) settings.MicrosoftAppId = cfg.appId;
  if (cfg.appPassword) settings.MicrosoftAppPassword = cfg.appPassword;
  if (cfg.appType) settings.MicrosoftAppType = cfg.appType;
  if (cfg.tenantId) settings.MicrosoftAppTenantId = cfg.tenantId;
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
}

/** The bot's id in Teams conversations ("28:" + app id). */
export const botAccountId = (cfg: TeamsConfig) => `28:${cfg.appId ?? "local-dev-bot"}`;

/** Our Config's Bot Framework variables, by the adapter's names. */
export function teamsConfigFrom(c: Config): TeamsConfig {
  return {
    ...(c.MicrosoftAppId ? { appId: c.MicrosoftAppId } : {}),
    ...(c.MicrosoftAppPassword ? { appPassword: c.MicrosoftAppPassword } : {}),
    appType: c.MicrosoftAppType,
    ...(c.MicrosoftAppTenantId ? { tenantId: c.MicrosoftAppTenantId } : {}),
  };
}
