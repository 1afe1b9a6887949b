// The SPARQL editor: YASGUI on this server's endpoint, one tab per catalogue query.
// Nothing is fetched from another origin: the class and property autocompleters (which ask
// a vocabulary service on the web) are switched off, the prefix autocompleter uses the list
// bundled with YASGUI, and the endpoint list names only this server.
(function () {
  "use strict";
  const root = document.getElementById("yasgui");
  const tabs = JSON.parse(document.getElementById("catalogue").textContent);
  // The endpoint's own prefixes, so result tables show id:state/ES rather than full IRIs.
  const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  const endpoint = new URL("/sparql", window.location.href).href;
  // Where links to the graph's own IRIs go (api/links.py): this server's paths unless the page
  // came from the base IRI's own host. The table still shows the canonical IRI.
  const links = JSON.parse(document.getElementById("links").textContent);
  const localHref = (iri) =>
    links.local && iri.startsWith(links.base) ? links.root + "/" + iri.slice(links.base.length) : iri;
  const Table = Yasgui.Yasr.plugins.table;
  const drawLink = Table.prototype.getUriLinkFromBinding;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    const html = drawLink.call(this, binding, prefixes);
    const href = localHref(binding.value);
    if (href === binding.value) return html;
    const holder = document.createElement("template");
    holder.innerHTML = html;
    holder.content.querySelectorAll("a.iri").forEach((a) => {
      a.setAttribute("href", href);
      a.setAttribute("title", binding.value);
      a.removeAttribute("target"); // a page of this site opens like any other
    });
    return holder.innerHTML;
  };

  const Yasqe = Yasgui.Yasqe;
  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(
    (name) => name !== "class" && name !== "property",
  );

  const yasgui = new Yasgui(root, {
    // The catalogue is the starting point on every visit: no tabs restored from storage.
    persistenceId: null,
    autoAddOnInit: false,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    yasr: { pluginOrder: ["table", "response"], defaultPlugin: "table", prefixes: prefixes },
  });

  tabs.forEach((tab, index) => {
    yasgui.addTab(index === 0, {
      name: tab.name,
      yasqe: { value: tab.query },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
  });
  if (tabs.length === 0) {
    yasgui.addTab(true, { name: "Query", requestConfig: { endpoint: endpoint } });
  }
  window.icgraphEditor = yasgui;
})();
