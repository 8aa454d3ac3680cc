// dangjian pickers: a text box that searches orgs or members as one types (ARIA 1.2 combobox with a listbox),
// and, for the org tree, opens a result's next level (→ or the ›, ← back up). Enhances the server-rendered id box
// of dangjian.core.pickers.Picker; without this script that box still takes an id and shows the chosen value.
(function () {
  "use strict";
  if (window.djPickers) { return; }
  window.djPickers = true;
  var counter = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  function setup(box) {
    if (box.hasAttribute("data-ready")) { return; }
    box.setAttribute("data-ready", "");
    var input = box.querySelector("[data-dj-picker-input]");
    var hint = box.querySelector(".dj-picker-current");
    counter += 1;
    var id = input.id || ("dj-picker-" + counter);
    input.id = id;
    // The value travels in a hidden input; the visible box becomes the combobox. htmx attributes move with the
    // value (this runs before htmx processes the page), so a picked value triggers what a changed <select> did.
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.value = input.value;
    Array.prototype.slice.call(input.attributes).forEach(function (attr) {
      if (attr.name.indexOf("hx-") === 0) { hidden.setAttribute(attr.name, attr.value); input.removeAttribute(attr.name); }
    });
    input.removeAttribute("name");
    input.removeAttribute("inputmode");
    input.removeAttribute("aria-describedby");
    var unknown = input.value !== "" && !input.getAttribute("data-label");
    input.value = input.getAttribute("data-label") || "";
    input.placeholder = box.getAttribute("data-placeholder") || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    box.insertBefore(hidden, input);
    if (hint && !unknown) { hint.hidden = true; }
    var list = el("ul", "dj-picker-list");
    list.id = id + "-listbox";
    list.setAttribute("role", "listbox");
    var labelNode = document.querySelector("label[for='" + id + "']");
    list.setAttribute("aria-label", (labelNode ? labelNode.textContent.trim() : "") + "候选");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    box.appendChild(list);
    var status = el("div", "visually-hidden");
    status.setAttribute("role", "status");
    box.appendChild(status);

    var url = box.getAttribute("data-url");
    var params = JSON.parse(box.getAttribute("data-params") || "{}");
    var browse = box.hasAttribute("data-browse");
    var emptyLabel = box.getAttribute("data-empty") || "";
    var chosenLabel = input.value;
    var items = [];
    var active = -1;
    var timer = null;
    var serial = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({block: "nearest"});
    }

    function render(data) {
      list.innerHTML = "";
      items = [];
      if (data.parent) {
        items.push({up: data.parent.up, label: "‹ 返回上一级（" + data.parent.name + "）"});
      }
      data.results.forEach(function (r) { items.push(r); });
      if (!data.results.length) { items.push({none: true}); }
      items.forEach(function (item, i) {
        var li = el("li", "dj-picker-option");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        if (item.none) {
          li.textContent = "没有找到";
          li.setAttribute("aria-disabled", "true");
        } else if (item.label && item.up !== undefined) {
          li.textContent = item.label;
          li.classList.add("dj-picker-up");
        } else {
          li.appendChild(el("span", "dj-picker-name", item.name));
          if (item.context) { li.appendChild(el("span", "dj-picker-context", item.context)); }
          if (!item.selectable) { li.setAttribute("aria-disabled", "true"); }
          if (browse && item.has_children) {
            var drill = el("span", "dj-picker-drill", "下级 ›");
            drill.setAttribute("aria-hidden", "true");
            li.appendChild(drill);
            li.appendChild(el("span", "visually-hidden", "，有下级，按右方向键展开"));
          }
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function (e) {
          if (e.target.classList.contains("dj-picker-drill")) { load({parent: item.id}); } else { choose(i); }
        });
        list.appendChild(li);
      });
      if (data.more) {
        var more = el("li", "dj-picker-more", "结果较多，请输入更多字以缩小范围");
        more.id = list.id + "-more";
        more.setAttribute("role", "option");
        more.setAttribute("aria-disabled", "true");
        more.setAttribute("aria-selected", "false");
        list.appendChild(more);
        items.push({none: true});
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = data.results.length ? ("找到" + data.results.length + (data.more ? "个以上" : "个") + "结果") : "没有找到";
    }

    function load(query) {
      var search = new URLSearchParams(params);
      Object.keys(query).forEach(function (k) { if (query[k] !== null && query[k] !== undefined && query[k] !== "") { search.set(k, query[k]); } });
      serial += 1;
      var mine = serial;
      fetch(url + "?" + search.toString(), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) { if (mine === serial) { render(data); } })
        .catch(function () { if (mine === serial) { render({results: []}); } });
    }

    function choose(index) {
      var item = items[index];
      if (!item || item.none) { return; }
      if (item.up !== undefined && item.label && item.id === undefined) { load({parent: item.up}); return; }
      if (!item.selectable) {
        if (browse && item.has_children) { load({parent: item.id}); }
        return;
      }
      hidden.value = String(item.id);
      if (hint) { hint.hidden = true; }
      chosenLabel = item.label;
      input.value = item.label;
      close();
      hidden.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function clear() {
      if (hidden.value === "") { return; }
      hidden.value = "";
      chosenLabel = "";
      hidden.dispatchEvent(new Event("change", {bubbles: true}));
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      serial += 1;  // an answer still on its way is for older text: drop it
      close();
      var text = input.value.trim();
      if (!text) { clear(); }
      timer = setTimeout(function () { load(text ? {q: text} : {}); }, 200);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (!open) { load(input.value.trim() && input.value !== chosenLabel ? {q: input.value.trim()} : {}); return; }
        highlight(active + 1);
      } else if (e.key === "ArrowUp") {
        if (open) { e.preventDefault(); highlight(active - 1); }
      } else if (e.key === "Enter") {
        if (open && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape") {
        if (open) { e.preventDefault(); close(); input.value = chosenLabel; }
      } else if (e.key === "ArrowRight" && open && active >= 0 && browse) {
        var item = items[active];
        if (item && item.has_children) { e.preventDefault(); load({parent: item.id}); }
      } else if (e.key === "ArrowLeft" && open && browse && items.length && items[0].up !== undefined && items[0].id === undefined) {
        e.preventDefault();
        load({parent: items[0].up});
      } else if (e.key === "Tab") {
        close();
      }
    });
    input.addEventListener("click", function () {
      if (list.hidden) { load(input.value !== chosenLabel && input.value.trim() ? {q: input.value.trim()} : {}); }
    });
    input.addEventListener("blur", function () {
      setTimeout(function () {
        close();
        if (!input.value.trim()) { clear(); } else { input.value = chosenLabel; }
      }, 150);
    });
    if (emptyLabel && !input.value) { input.placeholder = emptyLabel + "（" + input.placeholder + "）"; }
  }

  function enhance(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-dj-picker]")) { setup(scope); }
    scope.querySelectorAll("[data-dj-picker]").forEach(setup);
  }

  // Deferred scripts run before DOMContentLoaded, hence before htmx processes the page (see the hx- move above).
  enhance(document);
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:beforeProcessNode", function (e) { enhance(e.target); });
})();
