/*
 * assetgraph maps: builds markers, popups, area layers, legends and the name search of an
 * assetgraph map from the compact JSON tables the Python builders (assetgraph.maps) write into the
 * page. Served from /static/maps/ (or inlined into an exported file); needs Leaflet, and
 * Leaflet.markercluster / leaflet-search when a map clusters or searches.
 *
 * Safety: every piece of text that comes from data (names, schedules, contacts, area names) is put
 * into the page with textContent, never as HTML; links are only made from http(s) URLs, e-mail
 * addresses and phone numbers. The only HTML inserted as HTML is legend and layer markup that
 * the Python side builds and escapes.
 */
(function (global) {
  "use strict";

  var L = global.L;
  var SAFE_COLOUR = /^#[0-9a-fA-F]{6}$/;
  var SAFE_ICON = /^fa-[a-z0-9-]+$/;
  var SAFE_SHAPE = /^[a-z-]+$/;
  var WEB_URL = /^https?:\/\/[^\s]+$/i;
  var EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null && text !== "") {
      node.textContent = String(text);
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function link(parent, href, text, external) {
    var a = el("a", null, text, parent);
    a.setAttribute("href", href);
    if (external) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
    }
    return a;
  }

  function formatNumber(value) {
    return Number(value).toLocaleString("en-GB");
  }

  /* ---- tables: compact rows with a column list ------------------------------------------ */

  function table(kind, data) {
    var col = {};
    data.columns.forEach(function (name, i) {
      col[name] = i;
    });
    return {
      kind: kind,
      data: data,
      rows: data.rows,
      markers: {}, // row index -> [{marker, group}]
      get: function (row, name) {
        var value = row[col[name]];
        return value === undefined ? null : value;
      },
    };
  }

  /* ---- pins ------------------------------------------------------------------------------ */

  var iconCache = {};

  function pinIcon(colour, icon, shape) {
    colour = SAFE_COLOUR.test(colour) ? colour : "#4d5656";
    icon = SAFE_ICON.test(icon) ? icon : "fa-location-dot";
    shape = SAFE_SHAPE.test(shape || "") ? shape : "round";
    var key = colour + icon + shape;
    if (!iconCache[key]) {
      iconCache[key] = L.divIcon({
        className: "ag-pin ag-pin-" + shape,
        html:
          '<span class="ag-pin-body" style="background-color:' + colour + '">' +
          '<i class="fa-solid ' + icon + '" aria-hidden="true"></i></span>',
        iconSize: [26, 26],
        iconAnchor: [13, 13],
        popupAnchor: [0, -12],
        tooltipAnchor: [12, 0],
      });
    }
    return iconCache[key];
  }

  function clusterIcon(colour) {
    colour = SAFE_COLOUR.test(colour) ? colour : "#4d5656";
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 100 ? 34 : count < 1000 ? 40 : 46;
      return L.divIcon({
        className: "ag-cluster",
        html:
          '<span style="background-color:' + colour + ";width:" + size + "px;height:" + size + 'px">' +
          formatNumber(count) + "</span>",
        iconSize: [size, size],
      });
    };
  }

  function group(spec) {
    if (spec.cluster) {
      return L.markerClusterGroup({
        chunkedLoading: true,
        showCoverageOnHover: false,
        spiderfyOnMaxZoom: true,
        disableClusteringAtZoom: 18,
        maxClusterRadius: 60,
        iconCreateFunction: clusterIcon(spec.colour),
      });
    }
    return L.featureGroup();
  }

  /* ---- popups ----------------------------------------------------------------------------- */

  function field(dl, label, value) {
    if (value === null || value === undefined || value === "") {
      return null;
    }
    el("dt", null, label, dl);
    var dd = el("dd", null, null, dl);
    if (typeof value === "string" || typeof value === "number") {
      dd.textContent = String(value);
    } else {
      dd.appendChild(value);
    }
    return dd;
  }

  function contactNode(t, row) {
    var phone = t.get(row, "phone");
    var email = t.get(row, "email");
    var web = t.get(row, "web");
    if (!phone && !email && !web) {
      return null;
    }
    var box = el("span", "ag-contact");
    if (phone) {
      var digits = String(phone).replace(/[^0-9+]/g, "");
      if (digits) {
        link(box, "tel:" + digits, phone);
      } else {
        el("span", null, phone, box);
      }
    }
    if (email) {
      if (EMAIL.test(email)) {
        link(box, "mailto:" + email, email);
      } else {
        el("span", null, email, box);
      }
    }
    if (web) {
      if (WEB_URL.test(web)) {
        link(box, web, String(web).replace(/^https?:\/\//i, "").replace(/\/$/, ""), true);
      } else {
        el("span", null, web, box);
      }
    }
    return box;
  }

  function usageNode(t, row) {
    var referrals = t.get(row, "ref");
    var capacity = t.get(row, "cap");
    var spare = t.get(row, "spare");
    var parts = [];
    if (referrals !== null) {
      parts.push(formatNumber(referrals) + (referrals === 1 ? " referral" : " referrals") + " in the last 90 days");
    }
    if (capacity !== null) {
      parts.push(formatNumber(capacity) + " places a week" + (spare !== null ? ", " + formatNumber(spare) + " spare" : ""));
    } else if (spare !== null) {
      parts.push(formatNumber(spare) + " spare places a week");
    }
    if (!parts.length) {
      return null;
    }
    var box = el("span", null, parts.join("; "));
    if (t.get(row, "illus")) {
      el("span", "ag-illustrative", " (illustrative)", box);
    }
    return box;
  }

  function needsNode(t, row) {
    var needs = t.get(row, "needs") || [];
    if (!needs.length) {
      return null;
    }
    var list = el("span", "ag-needs");
    needs.forEach(function (index, i) {
      var need = t.data.needs[index];
      if (!need) {
        return;
      }
      var item = el("span", "ag-need", null, list);
      var swatch = el("span", "ag-swatch ag-swatch-round", null, item);
      swatch.setAttribute("aria-hidden", "true");
      if (SAFE_COLOUR.test(need[2])) {
        swatch.style.backgroundColor = need[2];
      }
      item.appendChild(document.createTextNode(need[1] + (i < needs.length - 1 ? ", " : "")));
    });
    return list;
  }

  function assetPopup(t, row) {
    var root = el("div", "ag-popup");
    el("p", "ag-popup-title", t.get(row, "name"), root);
    var status = t.get(row, "status");
    if (status) {
      el("p", "ag-popup-status", "Currently " + status, root);
    }
    var dl = el("dl", null, null, root);
    field(dl, "ABCD kind", t.data.kinds[t.get(row, "kind")]);
    field(dl, "Needs", needsNode(t, row));
    field(dl, "When", t.get(row, "when"));
    field(dl, "Cost", t.data.costs[t.get(row, "cost")]);
    field(dl, "Address", t.get(row, "addr"));
    field(dl, "Contact", contactNode(t, row));
    field(dl, "Usage", usageNode(t, row));
    field(dl, "Verified", t.get(row, "verified") || "not yet verified");
    var linked = t.get(row, "linked");
    if (linked !== null) {
      field(dl, "Connectors", linked ? formatNumber(linked) + " link people here" : "none links people here");
    }
    var url = t.data.assetUrl;
    if (url) {
      var more = el("p", "ag-popup-more", null, root);
      link(more, url[0] + encodeURIComponent(t.get(row, "id")) + url[1], "Open the asset page");
    }
    return root;
  }

  function practicePopup(t, row) {
    var root = el("div", "ag-popup");
    el("p", "ag-popup-title", t.get(row, "name"), root);
    var dl = el("dl", null, null, root);
    field(dl, "GP practice", t.get(row, "ods"));
    var list = t.get(row, "list");
    field(dl, "Registered patients", list === null ? null : formatNumber(list));
    field(dl, "Postcode", t.get(row, "postcode"));
    return root;
  }

  function connectorPopup(t, row, assets) {
    var root = el("div", "ag-popup");
    var title = el("p", "ag-popup-title", t.get(row, "name"), root);
    if (t.get(row, "illus")) {
      el("span", "ag-illustrative", " (illustrative)", title);
    }
    var dl = el("dl", null, null, root);
    field(dl, "Role", t.get(row, "role"));
    field(dl, "Works at", t.get(row, "worksAt"));
    var linked = t.get(row, "assets") || [];
    var list = el("ul", "ag-popup-list");
    linked.slice(0, 12).forEach(function (index) {
      var assetRow = assets.rows[index];
      if (assetRow) {
        el("li", null, assets.get(assetRow, "name"), list);
      }
    });
    if (linked.length > 12) {
      el("li", null, "and " + formatNumber(linked.length - 12) + " more", list);
    }
    field(dl, "Links people to", linked.length ? list : "no assets yet");
    return root;
  }

  /* ---- point layers ----------------------------------------------------------------------- */

  function keep(t, row, filter) {
    if (!filter) {
      return true;
    }
    if (filter.need !== undefined) {
      var needs = t.get(row, "needs") || [];
      return filter.need === -1 ? needs.length === 0 : needs.indexOf(filter.need) >= 0;
    }
    if (filter.linked !== undefined) {
      return Boolean(t.get(row, "linked")) === filter.linked;
    }
    return true;
  }

  function popupFor(t, row, extra) {
    if (t.kind === "asset") {
      return function () {
        return assetPopup(t, row);
      };
    }
    if (t.kind === "practice") {
      return function () {
        return practicePopup(t, row);
      };
    }
    return function () {
      return connectorPopup(t, row, extra);
    };
  }

  function pointLayer(t, spec, extra) {
    var layer = group(spec);
    var icon = pinIcon(spec.colour, spec.icon, spec.shape);
    var markers = [];
    t.rows.forEach(function (row, index) {
      if (!keep(t, row, spec.filter)) {
        return;
      }
      var lat = t.get(row, "lat");
      var lon = t.get(row, "lon");
      if (lat === null || lon === null) {
        return;
      }
      var name = String(t.get(row, "name") || "");
      var marker = L.marker([lat, lon], { icon: icon, title: name, alt: name, riseOnHover: true });
      marker.bindPopup(popupFor(t, row, extra), { maxWidth: 320, minWidth: 220 });
      markers.push(marker);
      (t.markers[index] = t.markers[index] || []).push({ marker: marker, group: layer });
    });
    if (spec.cluster) {
      layer.addLayers(markers);
    } else {
      markers.forEach(function (marker) {
        layer.addLayer(marker);
      });
    }
    return layer;
  }

  function connectorLayer(connectors, assets, spec) {
    return pointLayer(connectors, spec, assets);
  }

  function linkLayer(connectors, assets, spec) {
    var layer = L.featureGroup();
    var colour = SAFE_COLOUR.test(spec.colour) ? spec.colour : "#4a235a";
    connectors.rows.forEach(function (row) {
      var lat = connectors.get(row, "lat");
      var lon = connectors.get(row, "lon");
      var linked = connectors.get(row, "assets") || [];
      if (lat === null || lon === null || !linked.length) {
        return;
      }
      var segments = [];
      linked.forEach(function (index) {
        var assetRow = assets.rows[index];
        if (assetRow) {
          segments.push([[lat, lon], [assets.get(assetRow, "lat"), assets.get(assetRow, "lon")]]);
        }
      });
      var line = L.polyline(segments, { color: colour, weight: 2, opacity: 0.7, dashArray: "4 4" });
      var name = connectors.get(row, "name");
      line.bindTooltip(function () {
        var box = el("span", null, name);
        box.appendChild(document.createTextNode(": " + formatNumber(segments.length) + " linked assets"));
        return box;
      }, { sticky: true });
      layer.addLayer(line);
    });
    return layer;
  }

  /* ---- areas ------------------------------------------------------------------------------ */

  function areaTooltip(feature) {
    var props = feature.properties;
    var root = el("div", "ag-tooltip");
    el("p", "ag-popup-title", props.name, root);
    var tbl = el("table", null, null, root);
    (props.rows || []).forEach(function (pair) {
      var tr = el("tr", pair[2] ? "ag-row-sub" : null, null, tbl);
      el("th", null, pair[0], tr).setAttribute("scope", "row");
      el("td", null, pair[1], tr);
    });
    return root;
  }

  function areaLayer(areas, spec) {
    var colours = spec.colours || null;
    return L.geoJSON(areas, {
      pane: spec.pane || "overlayPane",
      style: function (feature) {
        if (!colours) {
          return { color: spec.line || "#333333", weight: spec.weight || 1.5, opacity: 0.8, fill: false };
        }
        var colour = colours[feature.properties.i];
        return {
          color: "#ffffff",
          weight: 0.6,
          opacity: 0.9,
          fillColor: SAFE_COLOUR.test(colour || "") ? colour : "#bdbdbd",
          fillOpacity: spec.opacity || 0.65,
        };
      },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(function () {
          return areaTooltip(feature);
        }, { sticky: true, className: "ag-area-tooltip" });
      },
    });
  }

  /* ---- legends, radius, panes ------------------------------------------------------------- */

  function legend(map, html, layer, position) {
    var control = L.control({ position: position || "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "ag-legend leaflet-control");
      div.innerHTML = html; // built and escaped by assetgraph.maps.styles
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    if (!layer) {
      control.addTo(map);
      return control;
    }
    layer.on("add", function () {
      control.addTo(map);
    });
    layer.on("remove", function () {
      control.remove();
    });
    if (map.hasLayer(layer)) {
      control.addTo(map);
    }
    return control;
  }

  function near(spec) {
    var layer = L.featureGroup();
    var circle = L.circle([spec.lat, spec.lon], {
      radius: spec.radius,
      color: "#1a1a1a",
      weight: 2,
      dashArray: "6 6",
      fillColor: "#1a1a1a",
      fillOpacity: 0.04,
      interactive: false,
    });
    layer.addLayer(circle);
    var centre = L.marker([spec.lat, spec.lon], {
      icon: pinIcon("#1a1a1a", "fa-crosshairs", "round"),
      title: spec.label,
      alt: spec.label,
    });
    centre.bindTooltip(function () {
      return el("span", null, spec.label);
    });
    layer.addLayer(centre);
    return layer;
  }

  function init(map, options) {
    var panes = [["agAreas", 350], ["agOutlines", 380]];
    panes.forEach(function (pane) {
      if (!map.getPane(pane[0])) {
        map.createPane(pane[0]).style.zIndex = String(pane[1]);
      }
    });
    var container = map.getContainer();
    if (options && options.title) {
      // One landmark and one heading for screen readers; the map is the page's main content.
      container.setAttribute("role", "main");
      container.setAttribute("aria-label", options.title);
      container.insertBefore(el("h1", "ag-sr-only", options.title), container.firstChild);
    }
    if (options && options.plain) {
      L.DomUtil.addClass(map.getContainer(), "ag-no-tiles");
    }
    if (options && options.attribution && map.attributionControl) {
      map.attributionControl.addAttribution(options.attribution); // escaped by assetgraph.maps
    }
  }

  /* ---- name search ------------------------------------------------------------------------ */

  function search(map, tables, options) {
    var records = null;
    var targets = {};

    function build() {
      records = {};
      tables.forEach(function (t) {
        var suffix = t.kind === "practice" ? " (GP practice)" : t.kind === "connector" ? " (connector)" : "";
        t.rows.forEach(function (row, index) {
          var lat = t.get(row, "lat");
          var lon = t.get(row, "lon");
          if (lat === null || lon === null) {
            return;
          }
          var base = String(t.get(row, "name") || "") + suffix;
          var key = base;
          var n = 2;
          while (Object.prototype.hasOwnProperty.call(records, key)) {
            key = base + " [" + n + "]";
            n += 1;
          }
          records[key] = L.latLng(lat, lon);
          targets[key] = { table: t, index: index };
        });
      });
      return records;
    }

    function moveTo(latlng, title) {
      var target = targets[title];
      var entries = target ? target.table.markers[target.index] || [] : [];
      for (var i = 0; i < entries.length; i += 1) {
        var entry = entries[i];
        if (map.hasLayer(entry.group)) {
          if (entry.group.zoomToShowLayer) {
            entry.group.zoomToShowLayer(entry.marker, function () {
              entry.marker.openPopup();
            });
          } else {
            map.setView(latlng, Math.max(map.getZoom(), 16));
            entry.marker.openPopup();
          }
          return;
        }
      }
      map.setView(latlng, Math.max(map.getZoom(), 16));
    }

    var control = new L.Control.Search({
      sourceData: function (text, callResponse) {
        callResponse(records || build());
        return { abort: function () {} };
      },
      formatData: function (data) {
        return data;
      },
      filterData: function (text, all) {
        var needle = String(text).toLowerCase();
        var found = {};
        var count = 0;
        Object.keys(all).forEach(function (key) {
          if (count < 15 && key.toLowerCase().indexOf(needle) >= 0) {
            found[key] = all[key];
            count += 1;
          }
        });
        return found;
      },
      buildTip: function (text) {
        return el("li", null, text); // text content: names are never parsed as HTML
      },
      moveToLocation: moveTo,
      marker: false,
      initial: false,
      minLength: 2,
      autoType: false,
      position: (options && options.position) || "topleft",
      textPlaceholder: (options && options.placeholder) || "Search by name",
      textErr: "No match",
    });
    map.addControl(control);
    if (control._input) {
      control._input.setAttribute("aria-label", (options && options.placeholder) || "Search by name");
    }
    return control;
  }

  global.AssetgraphMaps = {
    init: init,
    assets: function (data) {
      return table("asset", data);
    },
    practices: function (data) {
      return table("practice", data);
    },
    connectors: function (data) {
      return table("connector", data);
    },
    pointLayer: pointLayer,
    connectorLayer: connectorLayer,
    linkLayer: linkLayer,
    areaLayer: areaLayer,
    legend: legend,
    near: near,
    search: search,
  };
})(window);
