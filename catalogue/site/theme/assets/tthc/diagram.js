// Draws the step graphs with the bundled Mermaid (no network). securityLevel "strict" keeps labels as text.
// mermaid.min.js beside this file is Mermaid 11.17.2 from the npm registry (`npm pack mermaid@11`, dist/),
// MIT licence in mermaid.LICENSE.txt. Material is not asked to draw (it would fetch Mermaid from a CDN).
(function () {
  if (typeof mermaid === "undefined") return;
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default", flowchart: { useMaxWidth: false } });
  mermaid.run({ querySelector: "pre.tthc-mermaid" }).catch(function (error) {
    document.querySelectorAll("pre.tthc-mermaid:not([data-processed])").forEach(function (node) {
      node.classList.add("tthc-mermaid--failed");
    });
    console.error(error);
  });
})();
