// The search page: Pagefind's interface over the index built with the site (diacritics optional).
(function () {
  var root = document.querySelector("#tthc-search");
  if (!root || typeof PagefindUI === "undefined") return;
  // Result links are site-relative; the search page sits at the site root, so its folder is the base.
  var base = new URL(".", window.location.href).pathname;
  var ui = new PagefindUI({
    element: "#tthc-search",
    baseUrl: base,
    showSubResults: true,
    showImages: false,
    // Procedure pages differ in length for reasons that say nothing of relevance (many steps, many findings):
    // do not penalise long pages, and let repeated words count less than the words of the title.
    ranking: { pageLength: 0.0, termFrequency: 0.5 },
    translations: {
      placeholder: "Tìm thủ tục, cơ quan, giấy tờ…",
      zero_results: "Không tìm thấy kết quả cho [SEARCH_TERM]",
      many_results: "[COUNT] kết quả cho [SEARCH_TERM]",
      one_result: "[COUNT] kết quả cho [SEARCH_TERM]",
      filters_label: "Lọc",
      load_more: "Xem thêm kết quả",
      clear_search: "Xóa",
      search_label: "Tìm trong danh mục"
    }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
