import { describe, expect, expectTypeOf, it } from "vitest";
import { connectionAppOptions } from "~/server/connections/apps";
import { parseWebhookEvent, type WebhookAppType } from "~/server/webhooks/webhook-event";

describe("WebhookAppType", () => {
  it("is exactly the apps whose definition sends webhooks", () => {
    expectTypeOf<WebhookAppType>().toEqualTypeOf<"sonarr" | "radarr">();
    const withWebhooks = connectionAppOptions()
      .filter((app) => app.capabilities.webhooks)
      .map((app) => app.appType);
    expect(withWebhooks).toEqual(["sonarr", "radarr"]);
  });

  it("every app with webhooks has a parser (a Test delivery reads as a test)", () => {
    for (const app of connectionAppOptions().filter((option) => option.capabilities.webhooks)) {
      // The capability flag is checked at run time here; the type says the same at compile time.
      expect(parseWebhookEvent(app.appType as WebhookAppType, { eventType: "Test" })).toEqual({ ok: true, eventType: "Test", event: { kind: "test" } });
    }
  });
});
