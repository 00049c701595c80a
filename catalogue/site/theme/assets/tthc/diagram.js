// Draws the step graphs with the bundled Mermaid (no network). securityLevel "strict" keeps labels as text.
// mermaid.min.js beside this file is Mermaid 11.17.2 from the npm registry (`npm pack mermaid@11`, dist/),
// MIT licence in mermaid.LICENSE.txt. Material is not asked to draw (it would fetch Mermaid from a CDN).
(function () {
  if (typeof mermaid === "undefined") return;
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default", flowchart: { useMaxWidth: false } });
  // A wide graph scrolls sideways in its frame; the layout may put the applicant's lane, where the procedure
  // starts, on the right. Open each frame on the record's first step (s0) rather than on an agency half-way through.
  function showFirstStep() {
    document.querySelectorAll(".tthc-diagram").forEach(function (frame) {
      var first = frame.querySelector('g.node[id*="-flowchart-s0-"]');
      if (!first) return;
      var offset = first.getBoundingClientRect().left - frame.getBoundingClientRect().left;
      if (offset + first.getBoundingClientRect().width > frame.clientWidth) frame.scrollLeft += offset - 16;
    });
  }
  mermaid.run({ querySelector: "pre.tthc-mermaid" }).then(showFirstStep).catch(function (error) {
    document.querySelectorAll("pre.tthc-mermaid:not([data-processed])").forEach(function (node) {
      node.classList.add("tthc-mermaid--failed");
    });
    console.error(error);
  });
})();
