// Progressive enhancement only: every link and form here works without this file.
// "Reply" opens the reply form under the comment in place instead of reloading the page.
(function () {
  "use strict";
  var thread = document.querySelector(".thread");
  if (thread) {
    markNewSinceLastVisit(thread);
    addCollapseButtons(thread);
  }
  var template = document.getElementById("comment-form");
  if (!thread || !template) return;

  function openReply(link) {
    var id = link.getAttribute("data-reply");
    var comment = document.getElementById("c" + id);
    var existing = document.getElementById("reply-form");
    if (existing) existing.remove();
    var form = template.cloneNode(true);
    form.id = "reply-form";
    form.action = form.action.replace(/#.*$/, "") + "#reply-form";
    form.querySelector("h3").textContent = "Your reply";
    form.querySelectorAll("[id]").forEach(function (el) {
      el.id = el.id.replace(/^comment-form/, "reply-form");
    });
    form.querySelectorAll("[for]").forEach(function (el) {
      el.setAttribute("for", el.getAttribute("for").replace(/^comment-form/, "reply-form"));
    });
    form.querySelectorAll("[aria-describedby]").forEach(function (el) {
      el.setAttribute(
        "aria-describedby",
        el.getAttribute("aria-describedby").replace(/comment-form/g, "reply-form")
      );
    });
    form.querySelectorAll(".error, .form-errors").forEach(function (el) { el.remove(); });
    form.querySelector("textarea").value = "";
    var parent = document.createElement("input");
    parent.type = "hidden";
    parent.name = "parent";
    parent.value = id;
    form.appendChild(parent);
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "cancel-reply";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () {
      form.remove();
      link.focus();
    });
    form.querySelector(".form-actions").appendChild(cancel);
    comment.appendChild(form);
    form.querySelector("textarea").focus();
  }

  thread.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link");
    if (!link) return;
    event.preventDefault();
    openReply(link);
  });
})();

// "New since your last visit", remembered by this browser per comment, not per page: on its
// first visit to a post (any page of it) it notes the newest comment of the whole thread, which
// the server puts on the thread as data-newest; later, a comment above that mark is new until
// this browser has shown it. Nothing is sent to the server and no account is needed.
var SEEN_LIMIT = 500;

function readSeen(key) {
  "use strict";
  var raw = window.localStorage.getItem(key);
  if (raw === null) return null;
  var state = JSON.parse(raw);
  if (typeof state === "number") return { mark: state, seen: [] }; // the older record
  if (!state || typeof state.mark !== "number" || !Array.isArray(state.seen)) return null;
  return state;
}

function markNewSinceLastVisit(thread) {
  "use strict";
  var key = "forum:seen:" + location.pathname;
  var newest = parseInt(thread.getAttribute("data-newest") || "0", 10) || 0;
  var state;
  try {
    state = readSeen(key);
  } catch (error) {
    return; // storage switched off, or unreadable: nothing to compare with
  }
  var first = state === null;
  if (first) state = { mark: newest, seen: [] };
  var seen = {};
  state.seen.forEach(function (id) { seen[id] = true; });
  var fresh = [];
  thread.querySelectorAll("article.comment[id^='c']").forEach(function (comment) {
    var id = parseInt(comment.id.slice(1), 10);
    if (id <= state.mark || seen[id]) return;
    seen[id] = true;
    state.seen.push(id);
    var mine = comment.classList.contains("is-mine");
    if (!first && !mine && !comment.classList.contains("is-removed")) fresh.push(comment);
  });
  fresh.forEach(function (comment) {
    comment.classList.add("is-new");
    var head = comment.querySelector(".comment-head");
    if (!head) return;
    var badge = document.createElement("span");
    badge.className = "new-badge";
    badge.textContent = "New";
    head.appendChild(badge);
  });
  if (fresh.length) announce(fresh);
  if (state.seen.length > SEEN_LIMIT) {
    // Keep the record small: the oldest remembered comments count as seen from now on.
    state.seen.sort(function (a, b) { return a - b; });
    state.mark = state.seen[state.seen.length - SEEN_LIMIT - 1];
    state.seen = state.seen.slice(-SEEN_LIMIT);
  }
  try {
    window.localStorage.setItem(key, JSON.stringify(state));
  } catch (error) {
    /* full or switched off: the markers simply will not show next time */
  }
}

// The notice goes at the top of the page, under the title, with a link to the first new one.
function announce(fresh) {
  "use strict";
  var slot = document.getElementById("new-since");
  if (!slot) return;
  var notice = document.createElement("p");
  notice.className = "new-notice";
  notice.setAttribute("role", "status");
  notice.appendChild(document.createTextNode(
    fresh.length === 1
      ? "1 new comment since your last visit. "
      : fresh.length + " new comments since your last visit. "
  ));
  var link = document.createElement("a");
  link.href = "#" + fresh[0].id;
  link.textContent = "Jump to the first new comment";
  notice.appendChild(link);
  slot.appendChild(notice);
  slot.hidden = false;
}

// A long conversation can be folded away: each top-level comment with replies gets a button
// that hides (and shows again) everything up to the next top-level comment.
function addCollapseButtons(thread) {
  "use strict";
  thread.querySelectorAll("article.comment.d0").forEach(function (top) {
    var replies = [];
    var next = top.nextElementSibling;
    while (next && next.matches("article.comment") && !next.classList.contains("d0")) {
      replies.push(next);
      next = next.nextElementSibling;
    }
    if (!replies.length) return;
    var actions = top.querySelector(".comment-actions");
    if (!actions) return; // a placeholder: its replies stay in view
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button collapse-toggle";
    button.setAttribute("aria-expanded", "true");
    var label = function (open) {
      var count = replies.length === 1 ? "1 reply" : replies.length + " replies";
      return (open ? "Hide " : "Show ") + count;
    };
    button.textContent = label(true);
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      replies.forEach(function (reply) { reply.classList.toggle("is-collapsed-reply", !open); });
      button.setAttribute("aria-expanded", String(open));
      button.textContent = label(open);
    });
    actions.appendChild(button);
  });
}
