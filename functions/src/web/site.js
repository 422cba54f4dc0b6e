// motcua: a little help where JavaScript runs; every page works without it.
// A destructive action asks once more before its form is sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// Filters apply as soon as they change.
document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
  select.addEventListener("change", function () {
    select.form.submit();
  });
});
// Files go straight to where the API keeps them (the bucket, on AWS), not through the pages:
// each chosen file is announced (POST /uploads), sent where the answer says, and the form is
// posted with "<field>-upload" = "<id> <sha256> <name>" in its place (the file a form shown again
// keeps: a newly chosen one replaces it). A file whose sending fails goes with the form, as
// without JavaScript.
function hex(buffer) {
  return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
    return ("0" + b.toString(16)).slice(-2);
  }).join("");
}
function sendAhead(form, file) {
  var sha256;
  return file.arrayBuffer().then(function (bytes) {
    return crypto.subtle.digest("SHA-256", bytes);
  }).then(function (digest) {
    sha256 = hex(digest);
    var asked = new URLSearchParams({
      form_token: form.elements.form_token.value,
      sender: form.getAttribute("data-uploads"),
      file_name: file.name,
      size: String(file.size),
      media_type: file.type,
      sha256: sha256
    });
    return fetch("/uploads", { method: "POST", body: asked, credentials: "same-origin" });
  }).then(function (answer) {
    if (!answer.ok) throw new Error("announced: " + answer.status);
    return answer.json();
  }).then(function (upload) {
    var target = upload.upload, headers = {};
    Object.keys(target.headers || {}).forEach(function (name) {
      if (name.toLowerCase() !== "content-length") headers[name] = target.headers[name];
    });
    return fetch(target.url, { method: target.method || "PUT", headers: headers, body: file }).then(function (sent) {
      if (!sent.ok) throw new Error("sent: " + sent.status);
      return upload.id + " " + sha256 + " " + file.name;
    });
  });
}
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || !form.hasAttribute("data-uploads") || form.hasAttribute("data-sending")) return;
  if (!window.fetch || !window.crypto || !crypto.subtle || !window.URLSearchParams) return;
  var inputs = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (input) {
    return input.files && input.files.length > 0;
  });
  if (inputs.length === 0) return;
  event.preventDefault();
  form.setAttribute("data-sending", "");
  var status = document.createElement("p");
  status.className = "hint";
  status.setAttribute("role", "status");
  status.textContent = "Đang gửi tệp…";
  form.appendChild(status);
  Promise.all(inputs.map(function (input) {
    return sendAhead(form, input.files[0]).then(function (sent) {
      var ahead = document.createElement("input");
      ahead.type = "hidden";
      ahead.name = input.name + "-upload";
      ahead.value = sent;
      ahead.setAttribute("data-ahead", "");
      form.querySelectorAll("input[type=hidden]").forEach(function (kept) {
        if (kept.name === ahead.name && !kept.disabled) {
          kept.disabled = true;
          kept.setAttribute("data-replaced", "");
        }
      });
      form.appendChild(ahead);
      input.disabled = true;
    }, function () {});
  })).then(function () {
    var button = event.submitter;
    if (button && button.name) {
      var pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = button.name;
      pressed.value = button.value;
      pressed.setAttribute("data-ahead", "");
      form.appendChild(pressed);
    }
    form.submit();
  });
});
// Back to a page whose form was sent: its files may be chosen and sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (form) {
    form.removeAttribute("data-sending");
    form.querySelectorAll("[data-ahead], p[role=status]").forEach(function (added) { added.remove(); });
    form.querySelectorAll("input[type=file], [data-replaced]").forEach(function (input) { input.disabled = false; });
    form.querySelectorAll("[data-replaced]").forEach(function (kept) { kept.removeAttribute("data-replaced"); });
  });
});
