/* planwatch: upload progress, and the review page's links between text and draft.
   Plain script, no framework, no build step; every page works without it. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* ---------------------------------------------------------------- upload */

  function initUpload(form) {
    var input = form.querySelector("input[type=file]");
    var button = form.querySelector("button[type=submit]");
    var progress = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var errors = document.getElementById("upload-errors");
    var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);

    function showError(message, detail) {
      errors.textContent = "";
      var box = document.createElement("div");
      box.className = "error";
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = message;
      p.appendChild(strong);
      box.appendChild(p);
      if (detail) {
        var d = document.createElement("p");
        d.className = "detail";
        d.textContent = detail;
        box.appendChild(d);
      }
      errors.appendChild(box);
    }

    function reset() {
      button.disabled = false;
      progress.hidden = true;
      progress.value = 0;
      status.textContent = "";
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !input.files || !input.files.length) {
        return; /* let the server say what is missing */
      }
      var file = input.files[0];
      if (maxBytes && file.size > maxBytes) {
        event.preventDefault();
        showError(form.dataset.msgTooBig, file.name);
        return;
      }
      event.preventDefault();
      errors.textContent = "";
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;

      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var percent = Math.round((e.loaded / e.total) * 100);
          progress.value = percent;
          status.textContent = form.dataset.msgUploading.replace("{percent}", percent + "%");
        }
      });
      xhr.upload.addEventListener("load", function () {
        progress.removeAttribute("value"); /* indeterminate while the server reads */
        status.textContent = form.dataset.msgReading;
      });
      xhr.addEventListener("load", function () {
        var data = xhr.response || {};
        if (xhr.status === 200 && data.location) {
          window.location.assign(data.location);
          return;
        }
        reset();
        showError(data.message || form.dataset.msgFailed, data.detail || "");
      });
      xhr.addEventListener("error", function () {
        reset();
        showError(form.dataset.msgFailed, "");
      });
      xhr.send(new FormData(form));
    });
  }

  /* ---------------------------------------------------------------- review */

  function marksOf(key) {
    return document.querySelectorAll('mark.hl[data-items~="' + CSS.escape(key) + '"]');
  }

  function clearActive() {
    document.querySelectorAll("mark.hl.is-active").forEach(function (m) {
      m.classList.remove("is-active");
    });
    document.querySelectorAll(".item.is-linked").forEach(function (r) {
      r.classList.remove("is-linked");
    });
  }

  function showInText(key) {
    var marks = marksOf(key);
    if (!marks.length) {
      return false;
    }
    clearActive();
    marks.forEach(function (m) { m.classList.add("is-active"); });
    // the first highlight of the item: it can take focus (an anchor span of an item that
    // starts where another does cannot)
    var first = marks[0];
    first.scrollIntoView({ block: "center", behavior: "smooth" });
    if (first.focus) {
      first.focus({ preventScroll: true });
    }
    return true;
  }

  function showRows(keys) {
    clearActive();
    var target = null;
    keys.forEach(function (key) {
      marksOf(key).forEach(function (m) { m.classList.add("is-active"); });
      document.querySelectorAll('.item[data-item="' + CSS.escape(key) + '"]').forEach(function (row) {
        row.classList.add("is-linked");
        target = row; /* the narrowest item, listed last, is the one scrolled to */
      });
    });
    if (target) {
      target.scrollIntoView({ block: "center", behavior: "smooth" });
      target.focus({ preventScroll: true });
    }
  }

  function toggleFigures(fieldset) {
    var select = fieldset.querySelector("select[name$='-comparator']");
    if (!select) {
      return;
    }
    var ranged = select.value === "range";
    ["value", "low", "high"].forEach(function (name) {
      var box = fieldset.querySelector(".f-" + name);
      if (box) {
        box.hidden = name === "value" ? ranged : !ranged;
      }
    });
  }

  function initReview(form) {
    var source = document.getElementById("source-text");
    var status = document.getElementById("draft-status");
    var dirty = false;

    document.querySelectorAll("a.show-in-text").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (showInText(link.dataset.item)) {
          event.preventDefault();
        }
      });
    });
    if (source) {
      source.addEventListener("click", function (event) {
        var mark = event.target.closest("mark.hl");
        if (mark && !window.getSelection().toString()) {
          showRows(mark.dataset.items.split(" "));
        }
      });
    }
    document.querySelectorAll("fieldset.item-target").forEach(function (fieldset) {
      toggleFigures(fieldset);
      var select = fieldset.querySelector("select[name$='-comparator']");
      if (select) {
        select.addEventListener("change", function () { toggleFigures(fieldset); });
      }
    });

    var discard = document.querySelector("form.discard");
    if (discard) {
      discard.addEventListener("submit", function (event) {
        if (!window.confirm(discard.dataset.confirm)) {
          event.preventDefault();
        } else {
          dirty = false;
        }
      });
    }
    if (!form) {
      return;
    }
    form.addEventListener("input", function () { dirty = true; });
    window.onbeforeunload = function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    };

    /* A long draft has more fields than a form post may carry; send them as JSON. */
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) {
        return;
      }
      event.preventDefault();
      var submitter = event.submitter;
      var data = new FormData(form);
      var fields = [];
      data.forEach(function (value, name) { fields.push([name, String(value)]); });
      if (submitter && submitter.name) {
        fields.push([submitter.name, submitter.value]);
      }
      var buttons = form.querySelectorAll("button[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      if (status && submitter) {
        status.textContent = submitter.dataset.busy || "…";
      }
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(form),
          "X-Requested-With": "XMLHttpRequest"
        },
        body: JSON.stringify({ fields: fields })
      }).then(function (response) {
        return response.json();
      }).then(function (payload) {
        dirty = false;
        if (payload.location) {
          window.location.assign(payload.location);
        } else if (payload.html) {
          replacePage(payload.html);
        }
      }).catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        if (status) {
          status.textContent = form.dataset.msgFailed || "";
        }
      });
    });
  }

  function replacePage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    init();
    var invalid = document.querySelector(".f.invalid input, .f.invalid select, .f.invalid textarea");
    if (invalid) {
      invalid.scrollIntoView({ block: "center" });
      invalid.focus({ preventScroll: true });
    } else {
      window.scrollTo(0, 0);
    }
  }

  function init() {
    var upload = document.getElementById("upload-form");
    if (upload) {
      initUpload(upload);
    }
    if (document.querySelector(".review")) {
      initReview(document.getElementById("draft-form"));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
