// Passkeys through the browser's WebAuthn API. A form marked data-passkey="create" or "get" first asks
// Roster for the options (data-options, a POST carrying the form's antiforgery token), lets the browser
// create or use a credential, then submits the form with the credential as JSON in CredentialJson.
"use strict";

async function passkeyOptions(url, token) {
  const response = await fetch(url, { method: "POST", headers: { "RequestVerificationToken": token } });
  if (!response.ok) throw new Error("Roster could not start the passkey request (" + response.status + ").");
  return response.json();
}

function passkeyForm(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = form.querySelector(".passkey-error");
    error.textContent = "";
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      error.textContent = "This browser does not support passkeys.";
      return;
    }
    try {
      const token = form.querySelector("input[name=__RequestVerificationToken]").value;
      const options = await passkeyOptions(form.dataset.options, token);
      const credential = form.dataset.passkey === "create"
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      form.querySelector("input[name=CredentialJson]").value = JSON.stringify(credential);
      form.submit();
    } catch (e) {
      error.textContent = e.name === "NotAllowedError" ? "The passkey request was cancelled or timed out." : e.message;
    }
  });
}

document.querySelectorAll("form[data-passkey]").forEach(passkeyForm);
