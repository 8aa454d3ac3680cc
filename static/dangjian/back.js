// dangjian: "返回上一页" on the error pages (no inline script under the CSP): back in history, else the href (首页).
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-dj-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
