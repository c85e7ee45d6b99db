// Bot Framework authentication from our config: botbuilder's own inbound JWT checks and outbound
// tokens, for a SingleTenant registration (secret), a user-assigned managed identity (UserAssignedMSI,
// no secret) or an older MultiTenant one. Without an app id botbuilder accepts any caller: local
// development only.
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
    // Without an app id (local development) botbuilder must not be given a type it would check.
    ...(c.MicrosoftAppId ? { appType: c.MicrosoftAppType } : {}),
    ...(c.MicrosoftAppTenantId ? { tenantId: c.MicrosoftAppTenantId } : {}),
  };
}
