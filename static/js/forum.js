// Progressive enhancement only: every link and form here works without this file.
// "Reply" opens the reply form under the comment in place instead of reloading the page.
(function () {
  "use strict";
  var thread = document.querySelector(".thread");
  if (thread) markNewSinceLastVisit(thread);
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

// "New since your last visit": the browser remembers the newest comment it has shown on each
// post (comment ids only grow), so no account is needed and nothing is sent to the server.
function markNewSinceLastVisit(thread) {
  "use strict";
  var key = "forum:seen:" + location.pathname;
  var seen = 0;
  try {
    seen = parseInt(window.localStorage.getItem(key) || "0", 10) || 0;
  } catch (error) {
    return; // storage switched off: nothing to compare with
  }
  var newest = seen;
  var fresh = [];
  thread.querySelectorAll("article.comment[id^='c']").forEach(function (comment) {
    var id = parseInt(comment.id.slice(1), 10);
    if (id > newest) newest = id;
    var yours = comment.classList.contains("is-mine");
    if (seen && id > seen && !yours && !comment.classList.contains("is-removed")) {
      fresh.push(comment);
    }
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
  if (fresh.length) {
    var notice = document.createElement("p");
    notice.className = "new-notice";
    notice.setAttribute("role", "status");
    var link = document.createElement("a");
    link.href = "#" + fresh[0].id;
    link.textContent = fresh.length === 1
      ? "1 new comment since your last visit"
      : fresh.length + " new comments since your last visit";
    notice.appendChild(link);
    thread.parentNode.insertBefore(notice, thread);
  }
  try {
    window.localStorage.setItem(key, String(newest));
  } catch (error) {
    /* full or switched off: the markers simply will not show next time */
  }
}
