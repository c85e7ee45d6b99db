// Issue 14, item 6: Bot Framework registrations as Azure makes them now (no new multi-tenant bots since
// 2025-07-31): a single-tenant app with a secret, or a user-assigned managed identity without one.
// src/config.ts refuses a half configuration naming the variable (botbuilder would assert at start-up),
// and each kind, once configured, refuses unauthenticated requests on the real POST /api/messages.
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { teamsConfigFrom } from "../../adapters/teams/index.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { message, personalChat } from "../support/teams-activity.js";
import { rita, setup } from "../support/teams-env.js";

const APP = "00000000-0000-0000-0000-0000000000aa";
const TENANT = "11111111-1111-1111-1111-111111111111";

describe("Teams registration settings", () => {
  it.each([
    [{ MicrosoftAppId: APP, MicrosoftAppType: "SingleTenant", MicrosoftAppPassword: "s" }, "MicrosoftAppTenantId: required with MicrosoftAppType=SingleTenant"],
    [{ MicrosoftAppId: APP, MicrosoftAppType: "SingleTenant", MicrosoftAppTenantId: TENANT }, "MicrosoftAppPassword: required"],
    [{ MicrosoftAppId: APP, MicrosoftAppType: "UserAssignedMSI" }, "MicrosoftAppTenantId: required with MicrosoftAppType=UserAssignedMSI"],
    [{ MicrosoftAppId: APP, MicrosoftAppType: "UserAssignedMSI", MicrosoftAppTenantId: TENANT, MicrosoftAppPassword: "s" }, "MicrosoftAppPassword: must not be set"],
    [{ MicrosoftAppId: APP }, "MicrosoftAppPassword: required"],
    [{ MicrosoftAppId: APP, MicrosoftAppPassword: "s", MicrosoftAppType: "MultiTenantish" }, "MicrosoftAppType"],
  ])("refuses %o, naming what is missing", (env, why) => {
    expect(() => loadConfig(env, "web")).toThrow(ConfigError);
    expect(() => loadConfig(env, "web")).toThrow(why);
  });

  it("takes a single-tenant app and a user-assigned managed identity, and hands botbuilder its own names", () => {
    const single = loadConfig({ MicrosoftAppId: APP, MicrosoftAppPassword: "s", MicrosoftAppType: "SingleTenant", MicrosoftAppTenantId: TENANT }, "web");
    expect(teamsConfigFrom(single)).toEqual({ appId: APP, appPassword: "s", appType: "SingleTenant", tenantId: TENANT });
    const msi = loadConfig({ MicrosoftAppId: APP, MicrosoftAppType: "UserAssignedMSI", MicrosoftAppTenantId: TENANT }, "worker");
    expect(teamsConfigFrom(msi)).toEqual({ appId: APP, appType: "UserAssignedMSI", tenantId: TENANT });
    // Local development (no app id): no type reaches botbuilder, whatever is set.
    expect(teamsConfigFrom(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: "true", MicrosoftAppType: "SingleTenant" }, "web"))).toEqual({});
  });

  it.each([
    ["single tenant", { appId: APP, appPassword: "not-a-real-secret", appType: "SingleTenant", tenantId: TENANT }],
    ["user-assigned managed identity", { appId: APP, appType: "UserAssignedMSI", tenantId: TENANT }],
  ])("%s: unauthenticated requests to /api/messages get 401 and change nothing", async (_, teamsCfg) => {
    const env = await setup(teamsCfg);
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined); // botbuilder logs each refusal
    onTestFinished(() => quiet.mockRestore());
    const activity = message(personalChat(env.fake.url, rita), rita, "incident the model leaked a key");
    expect(await env.post(activity)).toBe(401);
    expect(await env.post(activity, { authorization: "Bearer junk" })).toBe(401);
    expect(env.fake.calls).toEqual([]);
    expect(await env.app.conversations.get("teams:tenant-0001:aad-rita")).toBeUndefined();
  });
});
