import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, html, trustedHtml } from "./html.js";

describe("the html template", () => {
  it("escapes every interpolated string, in text and in attributes", () => {
    const name = `<script>alert("x")</script>' onload='x`;
    expect(html`<p title="${name}">${name}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x</p>',
    );
  });

  it("nests templates without escaping them twice, joins arrays and drops null, undefined and false", () => {
    const items = ["a&b", "c"].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${0}</ul>`.toString()).toBe(
      "<ul><li>a&amp;b</li><li>c</li>0</ul>",
    );
    expect(html`${trustedHtml("<br>")}`.toString()).toBe("<br>");
  });

  it("never lets a string add markup: escaped text has no <, >, quotes or backticks left", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"'`]/);
        expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, "")).not.toContain("&");
      }),
    );
  });
});
