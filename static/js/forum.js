// Progressive enhancement only: every link and form here works without this file.
// "Reply" opens the reply form under the comment in place instead of reloading the page.
(function () {
  "use strict";
  var thread = document.querySelector(".thread");
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
