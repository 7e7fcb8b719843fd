/**
 * The device demo page (`/demo`): a streaming service's home screen over the real API. It asks the
 * service for a short-lived device token (`POST /demo/session`, local secret only), then reads
 * `/v1/users/:id/rows` and posts plays to `/v1/plays` with it, exactly as a device would; the kids
 * switch sets the member's profile (`PUT /v1/users/:id/profile`) with the same token.
 */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marquee · device demo</title>
<style>
  :root { color-scheme: dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #101014; color: #eee; }
  header { display: flex; gap: 12px; align-items: center; padding: 14px 28px; background: #18181f;
    position: sticky; top: 0; z-index: 2; box-shadow: 0 2px 8px #0008; flex-wrap: wrap; }
  header h1 { margin: 0 18px 0 0; font-size: 22px; letter-spacing: 2px; color: #e50914; }
  label { font-size: 13px; color: #aaa; display: flex; gap: 6px; align-items: center; }
  input, select, button { font: inherit; background: #26262e; color: #eee; border: 1px solid #3a3a44;
    border-radius: 4px; padding: 6px 10px; }
  button { cursor: pointer; background: #e50914; border-color: #e50914; color: #fff; font-weight: 600; }
  #status { font-size: 13px; color: #9ad; padding: 10px 28px 0; min-height: 18px; }
  #meta { font-size: 12px; color: #888; padding: 2px 28px; }
  main { padding: 6px 0 40px; }
  section.row { margin: 18px 0 6px; }
  section.row h2 { font-size: 18px; margin: 0 28px 2px; }
  section.row p.reason { font-size: 12px; color: #999; margin: 0 28px 8px; }
  section.row p.reason span.source { color: #6b8; margin-left: 8px; }
  .strip { display: flex; gap: 10px; overflow-x: auto; padding: 4px 28px 10px; }
  .tile { flex: 0 0 168px; height: 96px; border-radius: 6px; border: 0; padding: 8px; text-align: left;
    display: flex; flex-direction: column; justify-content: space-between; color: #fff; font-weight: 600;
    font-size: 14px; box-shadow: inset 0 -40px 40px -20px #000a; transition: transform .12s; }
  .tile:hover { transform: scale(1.05); }
  .tile small { font-weight: 400; font-size: 11px; opacity: .8; }
  .tile .progress { height: 3px; background: #e50914; border-radius: 2px; }
  .degraded { color: #fb3 !important; }
  .tile.featured { outline: 2px solid #f5c518; }
  .tile .badge { font-style: normal; font-size: 10px; color: #111; background: #f5c518; border-radius: 3px;
    padding: 1px 5px; align-self: flex-start; }
</style>
</head>
<body>
<header>
  <h1>MARQUEE</h1>
  <label>member <input id="member" list="members" value="m1" size="10" autocomplete="off"></label>
  <datalist id="members"></datalist>
  <label>device <select id="device">
    <option value="tv">TV</option><option value="mobile">mobile</option>
    <option value="web">web</option><option value="tablet">tablet</option>
  </select></label>
  <button id="signin" type="button">Show home screen</button>
  <label title="Only G and PG titles">kids profile <input id="kids" type="checkbox" disabled></label>
</header>
<div id="status">Choose a member and a device.</div>
<div id="meta"></div>
<main id="rows"></main>
<script>
(() => {
  const $ = (selector) => document.querySelector(selector);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const state = { member: null, token: null };
  for (let m = 1; m <= 20; m++) {
    const option = document.createElement('option');
    option.value = 'm' + m;
    $('#members').append(option);
  }
  const status = (text, degraded) => {
    $('#status').textContent = text;
    $('#status').classList.toggle('degraded', Boolean(degraded));
  };
  const hue = (id) => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  const eventId = () =>
    'demo-' + (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));

  async function api(path, init = {}) {
    const response = await fetch(path, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + state.token, ...(init.headers || {}) },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(response.status + ': ' + (body.message || response.statusText));
    return body;
  }

  async function signIn() {
    const member = $('#member').value.trim();
    const response = await fetch('/demo/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ memberId: member }),
    });
    const body = await response.json();
    if (!response.ok) return status('Cannot sign in: ' + body.message, true);
    state.member = member;
    state.token = body.token;
    const profile = await api(profilePath()).catch(() => null);
    $('#kids').checked = profile ? profile.maturity === 'kids' : false;
    $('#kids').disabled = false;
    await refresh();
  }

  const profilePath = () => '/v1/users/' + encodeURIComponent(state.member) + '/profile';

  async function switchProfile() {
    const maturity = $('#kids').checked ? 'kids' : 'adult';
    try {
      // The whole profile is replaced: the switch keeps the region the member had.
      const current = await api(profilePath());
      await api(profilePath(), {
        method: 'PUT',
        body: JSON.stringify({ maturity, ...(current.region ? { region: current.region } : {}) }),
      });
      const result = await refresh();
      if (!result) return;
      status((maturity === 'kids' ? 'Kids profile: only G and PG titles' : 'Adult profile: every title') +
        (result.degraded ? ' — degraded: ' + result.fallbacks.join('; ') : ''), result.degraded);
    } catch (error) {
      status(String(error.message || error), true);
    }
  }

  const page = () =>
    api('/v1/users/' + encodeURIComponent(state.member) + '/rows?rows=8&itemsPerRow=12&device=' +
      $('#device').value + '&tz=' + encodeURIComponent(timeZone));

  async function refresh() {
    try {
      const result = await page();
      render(result);
      status('Home screen of ' + result.memberId + ' on ' + result.context.device + ' (' + result.context.daypart +
        ', ' + result.elapsedMs + ' ms)' + (result.degraded ? ' — degraded: ' + result.fallbacks.join('; ') : ''),
        result.degraded);
      return result;
    } catch (error) {
      status(String(error.message || error), true);
    }
  }

  function render(result) {
    $('#meta').textContent = 'profile ' + result.profile.maturity + ' · variant ' + result.variant.name + ' · list ' + result.variant.list +
      (result.variant.version ? ' @ ' + result.variant.version : '') + ' · sources: ' + result.sources.join(', ');
    const main = $('#rows');
    main.replaceChildren();
    for (const row of result.rows) {
      const section = document.createElement('section');
      section.className = 'row';
      section.dataset.rowId = row.id;
      const title = document.createElement('h2');
      title.textContent = row.title;
      const reason = document.createElement('p');
      reason.className = 'reason';
      reason.textContent = row.reason;
      const source = document.createElement('span');
      source.className = 'source';
      source.textContent = row.source + (row.version ? ' @ ' + row.version : '');
      reason.append(source);
      const strip = document.createElement('div');
      strip.className = 'strip';
      for (const item of row.items) {
        const tile = document.createElement('button');
        tile.type = 'button';
        tile.className = 'tile';
        tile.dataset.itemId = item.itemId;
        tile.title = 'Play ' + item.title;
        const h = hue(item.itemId);
        tile.style.background = 'linear-gradient(135deg, hsl(' + h + ',55%,38%), hsl(' + ((h + 40) % 360) + ',60%,22%))';
        const name = document.createElement('span');
        name.textContent = item.title;
        const foot = document.createElement('small');
        foot.textContent = item.itemId + ' · ' + item.score;
        tile.append(name, foot);
        if (item.reason === 'featured') {
          tile.classList.add('featured');
          tile.dataset.rule = item.rule || '';
          const badge = document.createElement('em');
          badge.className = 'badge';
          badge.textContent = 'Featured';
          tile.prepend(badge);
        }
        if (row.id === 'continue-watching') {
          const bar = document.createElement('div');
          bar.className = 'progress';
          bar.style.width = Math.round(Math.min(1, item.score) * 100) + '%';
          tile.append(bar);
        }
        tile.addEventListener('click', () => play(item));
        strip.append(tile);
      }
      section.append(title, reason, strip);
      main.append(section);
    }
  }

  async function play(item) {
    const durationMs = 95 * 60000;
    status('Playing ' + item.title + '…');
    const started = performance.now();
    try {
      await api('/v1/plays', {
        method: 'POST',
        body: JSON.stringify({
          eventId: eventId(), userId: state.member, itemId: item.itemId, device: $('#device').value,
          timestamp: new Date().toISOString(), positionMs: Math.round(durationMs * 0.2), durationMs,
        }),
      });
      while (performance.now() - started < 5000) {
        const result = await page();
        const resumed = result.rows.find((row) => row.id === 'continue-watching');
        if (resumed && resumed.items.some((i) => i.itemId === item.itemId)) {
          render(result);
          status('"' + item.title + '" is in Continue watching after ' + Math.round(performance.now() - started) + ' ms');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      status('"' + item.title + '" did not reach Continue watching within 5 s: is the nearline service running?', true);
    } catch (error) {
      status(String(error.message || error), true);
    }
  }

  $('#signin').addEventListener('click', signIn);
  $('#kids').addEventListener('change', switchProfile);
  $('#device').addEventListener('change', () => state.token && refresh());
  $('#member').addEventListener('keydown', (event) => event.key === 'Enter' && signIn());
})();
</script>
</body>
</html>
`;
