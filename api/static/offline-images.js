// ReDoc 2.5 draws its maker's logo in the sidebar from the maker's server, whatever its options
// say. The documentation pages keep to this server (their Content-Security-Policy says so too),
// so an <img> whose source is on another origin gets an empty one instead of a request: it
// fails to load, and ReDoc then leaves the logo out. Loaded before the bundle. React sets an
// image's source both as an attribute and as a property, so both are guarded.
(() => {
  const EMPTY = "data:,";
  const local = (value) => {
    try {
      const url = new URL(String(value), document.baseURI);
      return !/^https?:$/.test(url.protocol) || url.origin === location.origin;
    } catch {
      return true;
    }
  };
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    const src = this instanceof HTMLImageElement && String(name).toLowerCase() === "src";
    return setAttribute.call(this, name, src && !local(value) ? EMPTY : value);
  };
  const property = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...property,
    set(value) {
      property.set.call(this, local(value) ? value : EMPTY);
    },
  });
})();
