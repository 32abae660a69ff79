/* map.html: the siting plan on a Leaflet map (offline: a basemap only from the tile server
 * configured for the service, TUOYU_MAP_TILES, as the offline map file; none otherwise). */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var api = T.api;
  var YEAR_COLOURS = ['#7b3294', '#e66101', '#008837', '#0571b0', '#ca0020'];
  var TILE = T.mapTiles();  // null: no basemap, no request to any other host

  var map = L.map('map', {zoomControl: false}).setView([31.40, 121.43], 11);
  var zoom = null;
  map.attributionControl.setPrefix(false);  // no library name on a planner's map

  /* Leaflet's own buttons speak the page's language. */
  function zoomControl() {
    if (zoom) { zoom.remove(); }
    zoom = L.control.zoom({zoomInTitle: T.t('zoom_in'), zoomOutTitle: T.t('zoom_out')})
      .addTo(map);
  }
  zoomControl();
  var control = null, legend = null, basemap = null;
  var layers = [];
  var fitted = false;
  var tablesCache = {};
  var plan = null;  // {job, geo, coverage, streets, byStreet, catchment, tables}
  window.tuoyuMap = {map: map, jobId: null, openings: 0, communities: 0, streets: 0};

  function truthy(v) { return v === true || v === 'true' || v === 1 || v === '1' || v === 'True'; }
  function num(v) { var n = Number(v); return isNaN(n) ? 0 : n; }

  function colour(unmet) {
    return unmet <= 0 ? '#1a9850' : unmet < 10 ? '#fee08b' : unmet < 30 ? '#fc8d59' : '#d73027';
  }

  function table(ds, name) {
    var key = ds + '/' + name;
    if (!tablesCache[key]) {
      tablesCache[key] = T.tableRows(ds, name)
        .catch(function (e) { delete tablesCache[key]; throw e; });
    }
    return tablesCache[key];
  }

  /* A table the contract lets a dataset leave out: none is an empty list. */
  function optional(ds, name) {
    return table(ds, name).catch(function (e) {
      if (e && e.status === 404) { return []; }
      throw e;
    });
  }

  /* Street polygons: the siting job's offline map page embeds them (the API has no geometry). */
  function embedded(jobId) {
    return api(T.fileUrl(jobId, 'siting_map.html'), {as: 'text'}).then(function (html) {
      var m = /<script id="siting-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
      return m ? JSON.parse(m[1]) : null;
    }).catch(function () { return null; });
  }

  var loading = 0;  // the newest load wins: a slow one of another dataset never shows

  function load(job) {
    var ds = job.dataset_id;
    var id = job.id;
    var mine = ++loading;
    return Promise.all([
      api(T.fileUrl(id, 'siting.geojson')),
      api(T.fileUrl(id, 'coverage.csv'), {as: 'text'}).then(T.parseCsv),
      api('/api/v1/jobs/' + encodeURIComponent(id) + '/coverage'),
      table(ds, 'communities'), optional(ds, 'providers'), optional(ds, 'kindergartens'),
      table(ds, 'streets'), embedded(id),
      optional(ds, 'sites')
    ]).then(function (r) {
      if (mine !== loading) { return; }
      T.showingPlan(job);
      document.getElementById('no-plan').hidden = true;
      T.showReasons(id);
      placeNames = {};
      r[5].forEach(function (k) { placeNames[k.kindergarten_id] = k.name; });
      r[8].forEach(function (x) { placeNames[x.site_id] = x.name; });
      r[0].features.forEach(function (f) {
        var q = f.properties, pid = q.site_id || q.kindergarten_id || q.place_id;
        if (pid && q.name) { placeNames[pid] = q.name; }
      });
      steerOf(job.params || {});
      var emb = r[7];
      var walk = emb && emb.walk_m ? emb.walk_m : 1125;
      plan = {job: job, geo: r[0], coverage: r[1], byStreet: r[2], communities: r[3],
        providers: r[4], kindergartens: r[5], streetRows: r[6], sites: r[8],
        streets: emb && emb.streets ? emb.streets : null,
        walk: emb && emb.walk ? emb.walk : null,
        catchment: emb && emb.catchment_m ? emb.catchment_m : walk / 1.3};
      drawTradeoff(job);
      var years = {};
      plan.coverage.forEach(function (c) { years[c.year] = true; });
      plan.geo.features.forEach(function (f) { years[f.properties.year] = true; });
      plan.years = Object.keys(years).map(Number).sort();
      var sel = document.getElementById('show-year');
      var keep = Number(sel.value);
      sel.innerHTML = '';
      plan.years.forEach(function (y) { sel.appendChild(T.el('option', {value: y, text: y})); });
      sel.value = plan.years.indexOf(keep) >= 0 ? keep : plan.years[plan.years.length - 1];
      draw();
    });
  }

  /* Nothing on the map or beside it: no plan of another dataset left on screen. */
  function clearPlan() {
    plan = null;
    loading++;
    layers.forEach(function (l) { map.removeLayer(l); });
    layers = [];
    if (control) { control.remove(); control = null; }
    if (legend) { legend.remove(); legend = null; }
    ['plan-summary', 'downloads', 'reasons', 'tradeoff', 'place-panel'].forEach(function (id) {
      var e = document.getElementById(id);
      if (e) { e.innerHTML = ''; }
    });
    ['reasons', 'tradeoff', 'place-panel'].forEach(function (id) {
      document.getElementById(id).hidden = true;
    });
    var tbl = document.getElementById('coverage-table');
    tbl.innerHTML = '<thead></thead><tbody></tbody>';  // rows, caption and totals
    tbl.removeAttribute('data-job-id');
    document.getElementById('map').removeAttribute('data-job-id');
    steer = {pinned: {}, forbidden: {}};
    showSteer();
    var js = document.getElementById('job-status');
    if (js) { js.hidden = true; }
    fitted = false;
    window.tuoyuMap.jobId = null;
    window.tuoyuMap.openings = 0;
    window.tuoyuMap.communities = 0;
    window.tuoyuMap.streets = 0;
  }

  /* No plan of this dataset yet: say so, show where its communities are, plan on a click. */
  function noPlan(ds) {
    var note = document.getElementById('no-plan');
    note.textContent = T.t('no_siting_plan');
    note.hidden = false;
    var mine = loading;
    table(ds, 'communities').then(function (rows) {
      if (mine !== loading) { return; }
      var pts = rows.map(function (c) { return [num(c.lat), num(c.lon)]; });
      if (pts.length) { map.fitBounds(L.latLngBounds(pts)); }
    }).catch(function () { /* the note stands */ });
  }

  function draw() {
    if (!plan) { return; }
    layers.forEach(function (l) { map.removeLayer(l); });
    layers = [];
    if (control) { control.remove(); }
    if (legend) { legend.remove(); }
    var overlays = {};
    var streetName = {};
    plan.streetRows.forEach(function (s) { streetName[String(s.street_id)] = s.name; });
    var showYear = Number(document.getElementById('show-year').value);
    var streets = null;
    if (plan.streets) {
      streets = L.geoJSON(plan.streets, {
        style: {color: '#555', weight: 1.5, fill: true, fillOpacity: 0.03, className: 'street'},
        onEachFeature: function (f, l) {
          l.bindTooltip(T.el('span', {text: f.properties.name}), {sticky: true});
        }
      });
      overlays[T.t('layer_streets')] = streets;
      layers.push(streets);
    }
    var where = {};
    plan.communities.forEach(function (c) { where[c.community_id] = c; });
    var comms = L.layerGroup();
    var nComm = 0;
    plan.coverage.forEach(function (c) {
      if (Number(c.year) !== showYear) { return; }
      var w = where[c.community_id];
      if (!w) { return; }
      var unmet = num(c.unmet);
      nComm++;
      L.circleMarker([num(w.lat), num(w.lon)], {radius: 3 + Math.min(8, Math.sqrt(num(c.demand))),
        weight: 0.5, color: '#333', fillColor: colour(unmet), fillOpacity: 0.85,
        className: 'community'})
        .on('click', shows(card(w.name, streetName[String(w.street_id)], [
          showYear + ' · ' + T.t('demand') + ' ' + num(c.demand),
          T.t('served') + ' ' + num(c.served), T.t('unmet') + ' ' + unmet])))
        .addTo(comms);
    });
    overlays[T.t('layer_communities')] = comms;
    layers.push(comms);
    var prov = L.layerGroup();
    plan.providers.forEach(function (p) {
      var inc = truthy(p.inclusive);
      L.circleMarker([num(p.lat), num(p.lon)], {radius: 4, weight: 1, color: inc ? '#2166ac' : '#777',
        fillColor: inc ? '#67a9cf' : '#bbb', fillOpacity: 0.9, className: 'existing provider'})
        .on('click', shows(card(p.name, null, [num(p.seats) + ' ' + T.t('seats') +
          (inc ? '（' + T.t('inclusive') + '）' : '')]))).addTo(prov);
    });
    overlays[T.t('layer_providers')] = prov;
    layers.push(prov);
    var kg = L.layerGroup();
    plan.kindergartens.forEach(function (k) {
      var nursery = truthy(k.has_nursery);
      L.circleMarker([num(k.lat), num(k.lon)], {radius: 3, weight: 1,
        color: nursery ? '#5e3c99' : '#999', fillColor: nursery ? '#b2abd2' : '#eee',
        fillOpacity: 0.9, className: 'existing kindergarten'})
        .on('click', shows(steerable(card(k.name, null, nursery ?
          [num(k.nursery_seats) + ' ' + T.t('seats')] : []), k.kindergarten_id, null)))
        .addTo(kg);
    });
    overlays[T.t('layer_kindergartens')] = kg;
    layers.push(kg);
    // candidate sites (new kindergartens, community sites): each can be pinned or forbidden
    if (plan.sites && plan.sites.length) {
      var st = L.layerGroup();
      plan.sites.forEach(function (x) {
        var lines = [T.t('site_line', {c: num(x.max_classes), y: x.available_from || '—'})];
        L.circleMarker([num(x.lat), num(x.lon)], {radius: 5, weight: 1.5, color: '#333',
          dashArray: '2 2', fillColor: '#fff', fillOpacity: 0.9, className: 'site'})
          .on('click', shows(steerable(card(x.name, streetName[String(x.street_id)], lines),
            x.site_id, null))).addTo(st);
      });
      overlays[T.t('layer_sites')] = st;
      layers.push(st);
    }
    var nOpen = 0;
    plan.years.forEach(function (y, k) {
      var g = L.layerGroup();
      var col = YEAR_COLOURS[k % YEAR_COLOURS.length];
      plan.geo.features.forEach(function (f) {
        var p = f.properties;
        if (Number(p.year) !== y) { return; }
        var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        nOpen++;
        L.circle(ll, {radius: plan.catchment, color: col, weight: 1, fillOpacity: 0.06,
          dashArray: '4 4', className: 'catchment'}).addTo(g);
        (p.communities || []).forEach(function (c) {
          if (c.lat === undefined || c.lon === undefined) { return; }
          L.polyline([ll, [num(c.lat), num(c.lon)]], {color: col, weight: 1, opacity: 0.6,
            className: 'allocation'}).addTo(g);
        });
        var why = [T.t('new_in_year', {y: y, c: p.classes, s: p.seats})];
        if (p.children_served !== undefined) {
          why.push(T.t('children_served', {n: T.fmtNum(p.children_served, 1),
            m: (p.communities || []).length}));
        }
        if (p.walk_m !== undefined && p.walk_m !== null) {
          why.push(num(p.walk_m) < 50 ? T.t('avg_walk_near') :
            T.t('avg_walk', {m: Math.round(num(p.walk_m))}));
        }
        if (p.best_alternative && p.best_alternative.name) {
          why.push(num(p.gain) < 0 ?
            T.t('best_alternative_more', {name: p.best_alternative.name,
              gain: T.fmtNum(-num(p.gain), 1)}) :
            T.t('best_alternative', {name: p.best_alternative.name, gain: T.fmtNum(p.gain, 1)}));
        }
        L.circleMarker(ll, {radius: 7, color: '#000', weight: 1, fillColor: col, fillOpacity: 1,
          className: 'opening'})
          .on('click', shows(steerable(card(p.name, streetName[String(p.street_id)], why),
            p.site_id || p.kindergarten_id || p.place_id, y))).addTo(g);
      });
      overlays[T.t('new_in', {y: y}) + ' · ' + walkLabel()] = g;
      layers.push(g);
    });
    layers.forEach(function (l) { l.addTo(map); });
    control = L.control.layers({}, overlays, {collapsed: false}).addTo(map);
    var toggle = control.getContainer().querySelector('.leaflet-control-layers-toggle');
    if (toggle) { toggle.title = T.t('layers'); }
    if (basemap) { control.addBaseLayer(basemap, T.t('basemap')); }
    if (!fitted) {
      var b = streets ? streets.getBounds() : null;
      if (!b || !b.isValid()) {
        var pts = plan.communities.map(function (c) { return [num(c.lat), num(c.lon)]; });
        b = pts.length ? L.latLngBounds(pts) : null;
      }
      if (b && b.isValid()) { map.fitBounds(b); fitted = true; }
    }
    legend = L.control({position: 'bottomleft'});
    legend.onAdd = function () {
      var d = L.DomUtil.create('div', 'panel');
      d.innerHTML = '<b>' + T.t('unmet') + ' (' + showYear + ')</b><br>' +
        '<span class="sw" style="background:#1a9850"></span>' + T.t('legend_met') + ' ' +
        '<span class="sw" style="background:#fee08b"></span>&lt;10 ' +
        '<span class="sw" style="background:#fc8d59"></span>&lt;30 ' +
        '<span class="sw" style="background:#d73027"></span>≥30';
      return d;
    };
    legend.addTo(map);
    window.tuoyuMap.jobId = plan.job.id;
    window.tuoyuMap.openings = nOpen;
    window.tuoyuMap.communities = nComm;
    window.tuoyuMap.streets = plan.streets ? plan.streets.features.length : 0;
    document.getElementById('map').setAttribute('data-job-id', plan.job.id);
    side(showYear);
  }

  function side(showYear) {
    var sum = document.getElementById('plan-summary');
    var agg = {};
    plan.coverage.forEach(function (c) {
      var a = agg[c.year] || (agg[c.year] = {d: 0, s: 0, b: 0});
      a.d += num(c.demand); a.s += num(c.served); a.b += num(c.served_before);
    });
    var opened = {};
    plan.geo.features.forEach(function (f) {
      opened[f.properties.year] = (opened[f.properties.year] || 0) + num(f.properties.classes);
    });
    sum.innerHTML = '';
    sum.appendChild(T.el('b', {text: T.t('summary')}));
    plan.years.forEach(function (y) {
      var a = agg[y] || {d: 0, s: 0, b: 0};
      sum.appendChild(T.el('div', {'class': 'year-line', text:
        T.t('plan_served', {y: y, s: Math.round(a.s), d: Math.round(a.d)}) + ' · ' +
        T.t('served_before') + ' ' + Math.round(a.b) + ' · ' + T.t('new_classes') + ' ' +
        (opened[y] || 0)}));
    });
    var rows = plan.byStreet.filter(function (r) {
      return r.year === undefined || Number(r.year) === showYear;
    });
    if (!rows.length) { rows = streetsFor(showYear); }
    var keys = [];
    rows.forEach(function (r) {
      Object.keys(r).forEach(function (k) { if (keys.indexOf(k) < 0) { keys.push(k); } });
    });
    var cols = [{key: 'name', label: 'street'}];
    keys.forEach(function (k) {
      if (k === 'name' || k === 'street_id' || k === 'year') { return; }
      cols.push({key: k, fmt: function (r) {
        var v = r[k];
        return typeof v === 'number' && Math.abs(v) <= 1 && v % 1 !== 0 ?
          Math.round(v * 1000) / 10 + '%' : T.fmtNum(v, 1);
      }});
    });
    var tbl = document.getElementById('coverage-table');
    T.fillTable(tbl, cols, rows);
    tbl.setAttribute('data-job-id', plan.job.id);
    // the table names its year and ends with the district's totals
    var cap = tbl.querySelector('caption') || tbl.insertBefore(T.el('caption'), tbl.firstChild);
    cap.textContent = T.t('coverage_year', {y: showYear});
    var foot = tbl.querySelector('tfoot') || tbl.appendChild(T.el('tfoot'));
    foot.innerHTML = '';
    var tr = T.el('tr');
    cols.forEach(function (c, i) {
      if (i === 0) { tr.appendChild(T.el('th', {text: T.t('total')})); return; }
      var vals = rows.map(function (r) { return r[c.key]; });
      var summable = vals.every(function (v) {
        return typeof v === 'number' && !(Math.abs(v) <= 1 && v % 1 !== 0);
      });
      var total = vals.reduce(function (a, v) { return a + (Number(v) || 0); }, 0);
      tr.appendChild(T.el('td', {text: summable ? T.fmtNum(total, 1) : ''}));
    });
    foot.appendChild(tr);
    var dl = document.getElementById('downloads');
    dl.innerHTML = '';
    dl.appendChild(T.el('b', {text: T.t('downloads_label')}));
    ['siting.xlsx', 'siting.geojson', 'coverage.csv', 'siting_map.html'].forEach(function (f) {
      if (!plan.job.files || plan.job.files.indexOf(f) >= 0) {
        dl.appendChild(T.downloadLink(plan.job.id, f));
      }
    });
  }

  /* Per street for another year than the API's (its last): summed from coverage.csv. */
  function streetsFor(year) {
    var names = {}, by = {};
    plan.streetRows.forEach(function (s) { names[String(s.street_id)] = s.name; });
    plan.coverage.forEach(function (c) {
      if (Number(c.year) !== year) { return; }
      var k = String(c.street_id);
      var a = by[k] || (by[k] = {street_id: k, name: names[k] || k, year: year, communities: 0,
        demand: 0, before: 0, after: 0, within_15_min_before: 0, within_15_min_after: 0});
      a.communities++;
      a.demand += num(c.demand); a.before += num(c.served_before); a.after += num(c.served);
      a.within_15_min_before += truthy(String(c.within_15_min_before).toLowerCase()) ? 1 : 0;
      a.within_15_min_after += truthy(String(c.within_15_min).toLowerCase()) ? 1 : 0;
    });
    return Object.keys(by).sort().map(function (k) { return by[k]; });
  }

  /* A popup's content as DOM nodes: names are data, inserted as text, never as HTML. */
  function card(title, street, lines) {
    var d = T.el('div', {'class': 'popup'});
    d.appendChild(T.el('b', {text: title === null || title === undefined ? '' : String(title)}));
    if (street) { d.appendChild(document.createTextNode('（' + street + '）')); }
    lines.forEach(function (line) { d.appendChild(T.el('div', {text: line})); });
    return d;
  }

  /* What the circles are: a walk on the network, partly so, or the straight-line stand-in. */
  function walkLabel() {
    var kind = plan && plan.walk ? plan.walk.kind : null;
    if (kind === 'network') { return T.t('walk_network'); }
    if (kind === 'mixed') { return T.t('walk_mixed'); }
    return T.t('walk_line');
  }

  /* A place's card beside the map (a popup on the map covered the markers next to it). */
  var selected = null;

  function shows(node) {
    return function (ev) {
      var box = document.getElementById('place-panel');
      box.innerHTML = '';
      box.appendChild(node);
      box.hidden = false;
      if (selected && selected.setStyle) { selected.setStyle({weight: selected.options.baseWeight}); }
      selected = ev && ev.target;
      if (selected && selected.setStyle) {
        if (selected.options.baseWeight === undefined) {
          selected.options.baseWeight = selected.options.weight;
        }
        selected.setStyle({weight: 4});
      }
      if (ev && ev.originalEvent) { L.DomEvent.stopPropagation(ev); }
    };
  }

  /* Steering: places a planner pins (must open) or forbids (never opens), then re-plans.
   * Kept with the plan's job (its params), so a link to the plan and its re-plans keep
   * them; shown by name beside the map. */
  var steer = {pinned: {}, forbidden: {}};
  var placeNames = {};

  function placeName(id) { return placeNames[id] ? placeNames[id] + '（' + id + '）' : id; }

  function steerable(node, id, year) {
    if (!id) { return node; }
    var row = T.el('div', {'class': 'steer'});
    var pin = T.el('button', {type: 'button', 'class': 'pin', text: T.t('pin'),
      'data-place': id});
    var forbid = T.el('button', {type: 'button', 'class': 'forbid', text: T.t('forbid'),
      'data-place': id});
    pin.addEventListener('click', function () {
      var what = year ? T.t('pin_confirm_year', {name: placeName(id), y: year}) :
        T.t('pin_confirm', {name: placeName(id)});
      if (!window.confirm(what)) { return; }
      delete steer.forbidden[id];
      steer.pinned[id] = year ? id + '@' + year : id;
      showSteer();
    });
    forbid.addEventListener('click', function () {
      if (!window.confirm(T.t('forbid_confirm', {name: placeName(id)}))) { return; }
      delete steer.pinned[id];
      steer.forbidden[id] = id;
      showSteer();
    });
    row.appendChild(pin);
    row.appendChild(forbid);
    node.appendChild(row);
    return node;
  }

  /* The pins and forbids a plan was made with (its job's params). */
  function steerOf(p) {
    steer = {pinned: {}, forbidden: {}};
    (p.pinned || []).forEach(function (v) {
      steer.pinned[String(v).split('@')[0]] = String(v);
    });
    (p.forbidden || []).forEach(function (v) { steer.forbidden[String(v)] = String(v); });
    showSteer();
  }

  function showSteer() {
    var box = document.getElementById('steering');
    box.innerHTML = '';
    var items = [];
    Object.keys(steer.pinned).forEach(function (id) {
      var at = steer.pinned[id].split('@')[1];
      items.push({kind: 'pinned', id: id, text: at ?
        T.t('pinned_item_year', {name: placeName(id), y: at}) :
        T.t('pinned_item', {name: placeName(id)})});
    });
    Object.keys(steer.forbidden).forEach(function (id) {
      items.push({kind: 'forbidden', id: id, text: T.t('forbidden_item', {name: placeName(id)})});
    });
    box.hidden = !items.length;
    if (items.length) { box.appendChild(T.el('b', {text: T.t('steering_h')})); }
    items.forEach(function (it) {
      var li = T.el('span', {'class': 'steer-item ' + it.kind, 'data-place': it.id,
        'data-steer': it.kind === 'pinned' ? steer.pinned[it.id] : it.id, text: it.text + ' '});
      var x = T.el('button', {type: 'button', text: '×', title: T.t('remove')});
      x.addEventListener('click', function () { delete steer[it.kind][it.id]; showSteer(); });
      li.appendChild(x);
      box.appendChild(li);
    });
  }

  /* The trade-off: children served (and within the circle) by classes a year, as an SVG. */
  function drawTradeoff(job) {
    var box = document.getElementById('tradeoff');
    box.innerHTML = '';
    box.hidden = true;
    if (!job.files || job.files.indexOf('tradeoff.csv') < 0) { return; }
    api(T.fileUrl(job.id, 'tradeoff.csv'), {as: 'text'}).then(T.parseCsv).then(function (rows) {
      rows = rows.filter(function (r) { return r.children_served !== ''; });
      if (!rows.length) { return; }
      box.hidden = false;
      box.appendChild(T.el('h2', {text: T.t('tradeoff')}));
      var W = 420, H = 180, P = 34;
      var xs = rows.map(function (r) { return num(r.classes_per_year); });
      var ys = rows.map(function (r) { return num(r.children_served); });
      var ws = rows.map(function (r) { return num(r.children_within_15_min); });
      var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
      var y1 = Math.max.apply(null, ys.concat(ws)) || 1;
      function X(v) { return P + (x1 === x0 ? 0 : (v - x0) / (x1 - x0)) * (W - 2 * P); }
      function Y(v) { return H - P + -(v / y1) * (H - 2 * P); }
      var NS = 'http://www.w3.org/2000/svg';
      var svg = document.createElementNS(NS, 'svg');
      svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      svg.setAttribute('class', 'tradeoff-chart');
      function line(vals, cls) {
        var pl = document.createElementNS(NS, 'polyline');
        pl.setAttribute('points', xs.map(function (x, i) { return X(x) + ',' + Y(vals[i]); })
          .join(' '));
        pl.setAttribute('class', cls);
        svg.appendChild(pl);
      }
      function text(x, y, t, anchor) {
        var e = document.createElementNS(NS, 'text');
        e.setAttribute('x', x);
        e.setAttribute('y', y);
        e.setAttribute('text-anchor', anchor || 'middle');
        e.textContent = t;
        svg.appendChild(e);
      }
      line(ys, 'served');
      line(ws, 'within');
      xs.forEach(function (x, i) {
        text(X(x), H - P + 14, String(x));
        var c = document.createElementNS(NS, 'circle');
        c.setAttribute('cx', X(x));
        c.setAttribute('cy', Y(ys[i]));
        c.setAttribute('r', 2.5);
        c.setAttribute('class', 'served-point');
        svg.appendChild(c);
      });
      text(P, 12, T.fmtNum(y1, 0), 'start');
      text(W / 2, H - 4, T.t('classes_per_year'));
      box.appendChild(svg);
      box.appendChild(T.el('div', {'class': 'legend-line', text: T.t('tradeoff_legend')}));
    }).catch(function () { /* the chart is an extra; the plan stands without it */ });
  }

  /* A range as a planner writes it: [2027, 2029] or "2027-2029" -> "2027-2029". */
  function rangeText(v) {
    if (Array.isArray(v)) { return v[0] === v[1] ? String(v[0]) : v[0] + '-' + v[1]; }
    return String(v);
  }

  function params() {
    var p = {years: document.getElementById('years').value.trim(),
      classes_per_year: document.getElementById('classes').value.trim()};
    var pins = Object.keys(steer.pinned).map(function (k) { return steer.pinned[k]; });
    var bans = Object.keys(steer.forbidden);
    if (pins.length) { p.pinned = pins; }
    if (bans.length) { p.forbidden = bans; }
    var t = document.getElementById('tradeoff-range').value.trim();
    if (t) { p.tradeoff = t; }
    return p;
  }

  function busy(on) { document.getElementById('plan-btn').disabled = on; }

  function replan() {
    busy(true);
    var ds = document.getElementById('dataset').value;
    var p = params();
    if (plan && plan.job.dataset_id !== ds) { clearPlan(); }
    document.getElementById('no-plan').hidden = true;
    return T.runJob('siting', ds, p).then(function (job) {
      history.replaceState(null, '', '/map?job=' + encodeURIComponent(job.id));
      return load(job);
    }).catch(T.showError).then(function () { busy(false); });
  }

  function sameShape(want) {
    return function (p) {
      return (!p.model || p.model === 'capacitated') && rangeText(p.years) === want.years &&
        rangeText(p.classes_per_year || '5-8') === want.classes_per_year;
    };
  }

  /* The dataset's newest plan of these years (never one of another dataset), or a note:
   * opening the page plans nothing by itself. */
  function showLatest(ds) {
    var mine = loading;
    return T.latestJob('siting', ds, sameShape(params())).then(function (job) {
      if (mine !== loading) { return null; }
      if (job) { T.showJob(job); return load(job); }
      noPlan(ds);
      return null;
    });
  }

  function start() {
    var y = T.param('years'), c = T.param('classes_per_year');
    document.getElementById('years').value = y || T.defaults().years;
    if (c) { document.getElementById('classes').value = c; }
    var jobId = T.param('job');
    return T.loadDatasets(document.getElementById('dataset')).then(function (ds) {
      if (jobId) {
        return T.finish(jobId).then(function (job) {
          var p = job.params || {};
          if (p.years) { document.getElementById('years').value = rangeText(p.years); }
          if (p.classes_per_year) {
            document.getElementById('classes').value = rangeText(p.classes_per_year);
          }
          if (p.tradeoff) {
            document.getElementById('tradeoff-range').value = rangeText(p.tradeoff);
          }
          return load(job);
        });
      }
      return showLatest(ds);
    }).catch(T.showError);
  }

  document.getElementById('plan-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    replan();
  });
  document.getElementById('show-year').addEventListener('change', draw);
  // another dataset: its own newest plan (or none), never the old one left on screen
  document.getElementById('dataset').addEventListener('change', function () {
    history.replaceState(null, '', '/map?dataset=' +
      encodeURIComponent(document.getElementById('dataset').value));
    clearPlan();
    T.showError(null);
    showLatest(document.getElementById('dataset').value).catch(T.showError);
  });
  T.onLang(function () { zoomControl(); draw(); showSteer(); });
  T.setupChrome();
  // The basemap only when one is configured (the district intranet's tile server).
  if (TILE) {
    basemap = L.tileLayer(TILE, {maxZoom: 19});
    basemap.addTo(map);
    basemap.bringToBack();
    if (control) { control.addBaseLayer(basemap, T.t('basemap')); }
  }
  start();
})();
