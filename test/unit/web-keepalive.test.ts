// The web server keeps idle connections longer than a load balancer's usual 60 s idle timeout, so the
// client closes them and never reuses one the server is closing (a reset, a lost click); and stopping
// it does not wait for idle kept-alive connections.
import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { startWeb } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { testApp } from "../support/app.js";

let app: App | undefined;
afterEach(async () => {
  await app?.close();
});

describe("web server connections", () => {
  it("keeps idle connections 65 s and stops at once with one open", async () => {
    app = testApp().app;
    const web = await startWeb(app, 0, silentLogger);
    expect(web.server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(web.server.headersTimeout).toBeGreaterThan(web.server.keepAliveTimeout);
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: "127.0.0.1", port: web.port, path: "/healthz", agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      }).on("error", reject).end();
    });
    expect(status).toBe(200);
    // The kept-alive socket is idle now: stopping must not wait out the 65 s (this test's 20 s
    // timeout is what fails if it does).
    await web.stop();
    agent.destroy();
    expect(web.server.listening).toBe(false);
  }, 20_000);
});
