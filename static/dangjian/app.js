// dangjian: behaviour without inline script (CSP). Kept small; htmx does the rest.
document.addEventListener("DOMContentLoaded", function () {
  // Confirm before destructive or irreversible submissions: <form data-confirm="...">.
  document.body.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Import upload: show the progress of the upload and of the server's checking.
  document.body.addEventListener("htmx:xhr:progress", function (event) {
    var bar = document.getElementById("dj-upload-progress");
    if (bar && event.detail.lengthComputable) {
      var pct = Math.round((event.detail.loaded / event.detail.total) * 100);
      bar.style.width = pct + "%";
      bar.setAttribute("aria-valuenow", pct);
      var label = document.getElementById("dj-upload-label");
      if (label) { label.textContent = pct < 100 ? "正在上传 " + pct + "%" : "上传完成，正在逐行校验…"; }
    }
  });
  // A table wider than the screen scrolls in its box: the box takes keyboard focus so it can be scrolled
  // with the arrow keys, and says what it holds (WCAG 2.1.1).
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var scope = box.closest(".card, section, main");
      var heading = scope && scope.querySelector(".card-title, h1, h2, h3");
      box.setAttribute("aria-label", (heading ? heading.textContent.trim() + "：" : "") + "表格，可左右滚动");
    }
  });
  // Tree: expand/collapse children already loaded.
  document.body.addEventListener("click", function (event) {
    var btn = event.target.closest("[data-dj-collapse]");
    if (!btn) { return; }
    var target = document.getElementById(btn.getAttribute("data-dj-collapse"));
    if (target && target.children.length) {
      event.preventDefault();
      event.stopPropagation();
      var hidden = target.hasAttribute("hidden");
      if (hidden) { target.removeAttribute("hidden"); } else { target.setAttribute("hidden", ""); }
      btn.textContent = hidden ? "▾" : "▸";
      btn.setAttribute("aria-expanded", hidden ? "true" : "false");
    }
  }, true);
});
