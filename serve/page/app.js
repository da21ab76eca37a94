/* app.js: the search page of gongwen-serve.
 *
 * One state object (query, type, dates, filters, offset, open document)
 * mirrored in the URL: typing replaces the history entry, a click that
 * changes what is shown (a facet, a page, a document) pushes one, and
 * popstate restores it, so a search can be bookmarked, shared and reloaded.
 *
 * Everything the server sends is put into the page as text (textContent,
 * text nodes, <mark> elements built here), never as HTML: a notice or a
 * query holding "<script>" shows it as text. The page runs under a strict
 * Content-Security-Policy: no inline script or style, no eval. */
'use strict';

(function () {
	const LIMIT = 10;
	const DEBOUNCE_MS = 200;
	/* Facet values shown before "more". */
	const FACET_TOP = 8;
	/* Record fields (table columns) asked as facets, at most. */
	const MAX_RECORD_FACETS = 6;
	const BASE_FACETS = ['kind', 'year'];
	/* Fields that are not worth a facet: the notice number every row of a
	 * table repeats. */
	const NOT_FACETS = new Set(['notice_number']);
	const DATE_RE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
	/* Chinese labels of the notice fields the indexer stores; any other
	 * field (a table column) is shown under its own name. */
	const FIELD_LABELS = {
		title: '标题', number: '文号', date: '日期', kind: '文种', issuer: '发文机关',
		addressees: '主送', body: '正文', attachments: '附件', appendix: '附件正文',
		disclosure: '公开方式', source: '来源', signature: '落款', cc: '抄送',
		notice_number: '公文文号', year: '年份',
	};
	const LONG_FIELDS = new Set(['body', 'appendix']);

	const $ = (id) => document.getElementById(id);
	const ui = {
		form: $('search-form'), q: $('q'), error: $('error'),
		after: $('after'), before: $('before'), chips: $('chips'),
		results: $('results-view'), summary: $('summary'), hits: $('hits'),
		facets: $('facets'), pager: $('pager'), prev: $('prev'), next: $('next'),
		pageInfo: $('page-info'), doc: $('doc-view'), back: $('back'),
		docKind: $('doc-kind'), docTitle: $('doc-title'), docFields: $('doc-fields'),
		docNotice: $('doc-notice'), docNoticeLink: $('doc-notice-link'),
		docNoticeFields: $('doc-notice-fields'), stats: $('stats'),
		keyForm: $('key-form'), key: $('key'),
	};
	const utf8 = new TextEncoder();
	const fromUtf8 = new TextDecoder();

	let state = readURL();
	/* Record fields seen in hits, asked as facets from then on. */
	const recordFields = [];
	let searchAbort = null;
	let docAbort = null;
	let searchSeq = 0;
	let debounce = 0;
	/* The last results shown, and the query they answer (see searchKey). */
	let shown = null;
	let resultsScrollY = 0;
	let lastOpened = '';

	/* --- the API ------------------------------------------------------------ */

	/* A server started with --api-key answers the API only with the key
	 * (the page itself needs none): asked once in a form, kept for the
	 * tab's life in sessionStorage, sent as a Bearer token. */
	const KEY_STORE = 'gongwen-api-key';

	function api(path, opts) {
		const o = Object.assign({}, opts || {});
		let key = '';
		try { key = sessionStorage.getItem(KEY_STORE) || ''; } catch (e) { /* storage off */ }
		if (key) o.headers = { Authorization: 'Bearer ' + key };
		return fetch(path, o).then((res) => {
			if (res.status === 401) askKey();
			return res;
		});
	}

	function askKey() {
		ui.keyForm.hidden = false;
		ui.key.focus();
	}

	/* --- state and URL ---------------------------------------------------- */

	function readURL() {
		const p = new URLSearchParams(location.search);
		const type = p.get('type');
		const offset = parseInt(p.get('offset') || '0', 10);
		return {
			q: p.get('q') || '',
			type: type === 'notice' || type === 'record' ? type : '',
			after: p.get('after') || '',
			before: p.get('before') || '',
			filters: p.getAll('filter').filter((f) => f.indexOf(':') > 0),
			offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
			doc: p.get('doc') || '',
		};
	}

	function urlOf(s) {
		const p = new URLSearchParams();
		if (s.q) p.set('q', s.q);
		if (s.type) p.set('type', s.type);
		if (s.after) p.set('after', s.after);
		if (s.before) p.set('before', s.before);
		for (const f of s.filters) p.append('filter', f);
		if (s.offset) p.set('offset', String(s.offset));
		if (s.doc) p.set('doc', s.doc);
		const qs = p.toString();
		return location.pathname + (qs ? '?' + qs : '');
	}

	/* Writes the state into the URL: a new history entry when PUSH. */
	function saveURL(push, extra) {
		const url = urlOf(state);
		if (push && url !== location.pathname + location.search)
			history.pushState(extra || null, '', url);
		else
			history.replaceState(history.state, '', url);
		document.title = state.q ? state.q + ' · 公文搜索' : '公文搜索 · gongwen';
	}

	/* Puts the state into the form controls. */
	function showState() {
		/* Only what differs: setting a box's value moves its caret. */
		if (ui.q.value !== state.q) ui.q.value = state.q;
		if (ui.after.value !== state.after) ui.after.value = state.after;
		if (ui.before.value !== state.before) ui.before.value = state.before;
		for (const r of document.querySelectorAll('input[name="type"]'))
			r.checked = r.value === state.type;
		markDate(ui.after);
		markDate(ui.before);
		showChips();
	}

	/* The search parameters of the state, as sent to /search. */
	function searchParams(s) {
		const p = new URLSearchParams();
		p.set('q', s.q);
		p.set('limit', String(LIMIT));
		p.set('offset', String(s.offset));
		if (s.type) p.set('type', s.type);
		if (DATE_RE.test(s.after)) p.set('after', s.after);
		if (DATE_RE.test(s.before)) p.set('before', s.before);
		for (const f of s.filters) p.append('filter', f);
		const facets = BASE_FACETS.slice();
		for (const f of recordFields.concat(s.filters.map(fieldOf)))
			if (!facets.includes(f)) facets.push(f);
		p.set('facet', facets.join(','));
		return p;
	}

	function searchKey(s) {
		return searchParams(s).toString();
	}

	function fieldOf(filter) {
		return filter.slice(0, filter.indexOf(':'));
	}

	function label(field) {
		return FIELD_LABELS[field] || field;
	}

	/* --- small DOM helpers -------------------------------------------------- */

	function el(tag, cls, text) {
		const e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined && text !== null) e.textContent = String(text);
		return e;
	}

	/* TEXT with the UTF-8 byte ranges MATCHES ([[start, end), ...]) in <mark>.
	 * Ranges out of bounds, reversed or overlapping are skipped: the text is
	 * always shown whole. */
	function highlighted(text, matches) {
		const frag = document.createDocumentFragment();
		text = String(text || '');
		const bytes = utf8.encode(text);
		const ranges = (Array.isArray(matches) ? matches : [])
			.filter((m) => Array.isArray(m) && Number.isInteger(m[0]) && Number.isInteger(m[1]))
			.map((m) => [Math.max(0, m[0]), Math.min(bytes.length, m[1])])
			.filter((m) => m[0] < m[1])
			.sort((a, b) => a[0] - b[0]);
		let at = 0;
		for (const [start, end] of ranges) {
			if (start < at) continue;
			if (start > at) frag.append(fromUtf8.decode(bytes.subarray(at, start)));
			frag.append(el('mark', '', fromUtf8.decode(bytes.subarray(start, end))));
			at = end;
		}
		if (at < bytes.length) frag.append(fromUtf8.decode(bytes.subarray(at)));
		return frag;
	}

	/* A link that opens document ID in the page (and in a new tab with a
	 * modifier key, as any link). */
	function docLink(id, cls) {
		const a = el('a', cls);
		a.href = urlOf(Object.assign({}, state, { doc: id }));
		a.dataset.id = id;
		return a;
	}

	/* --- errors ----------------------------------------------------------- */

	function hideError() {
		ui.error.hidden = true;
		ui.error.replaceChildren();
	}

	function showError(message) {
		ui.error.replaceChildren(el('span', '', message));
		ui.error.hidden = false;
	}

	/* A server error: {"code","message","column"}; for bad_query the column
	 * (1-based, in characters of q) is marked under the query. */
	function showServerError(err, status) {
		if (!err || typeof err !== 'object') {
			showError('服务器错误 (HTTP ' + status + ')');
			return;
		}
		showError(String(err.message || err.code || 'error'));
		const col = Number(err.column);
		if (err.code === 'bad_query' && Number.isInteger(col) && col >= 1) {
			const chars = Array.from(state.q);
			const i = Math.min(col - 1, chars.length);
			const at = el('span', 'at');
			at.append(chars.slice(0, i).join(''));
			at.append(el('mark', '', chars[i] || ' '));
			at.append(chars.slice(i + 1).join(''));
			ui.error.append(at);
		}
	}

	/* --- searching ---------------------------------------------------------- */

	function scheduleSearch() {
		clearTimeout(debounce);
		debounce = setTimeout(search, DEBOUNCE_MS);
	}

	async function search() {
		clearTimeout(debounce);
		if (searchAbort) searchAbort.abort();
		searchAbort = null;
		const seq = ++searchSeq;
		if (!state.q.trim()) {
			shown = null;
			hideError();
			showIdle();
			return;
		}
		const key = searchKey(state);
		const abort = new AbortController();
		searchAbort = abort;
		ui.results.setAttribute('aria-busy', 'true');
		let res;
		let body;
		try {
			res = await api('/search?' + key, { signal: abort.signal });
			body = await res.json();
		} catch (e) {
			if (e.name === 'AbortError' || seq !== searchSeq) return;
			ui.results.removeAttribute('aria-busy');
			showError(res ? '服务器的回答无法读取 (bad response)' : '无法连接服务器 (cannot reach the server)');
			return;
		}
		if (seq !== searchSeq) return;
		ui.results.removeAttribute('aria-busy');
		if (!res.ok || !body || body.error) {
			showServerError(body && body.error, res.status);
			shown = null;
			showHits([], 0);
			ui.summary.textContent = '';
			ui.facets.replaceChildren();
			ui.pager.hidden = true;
			return;
		}
		hideError();
		shown = { key, body };
		showResults(body);
		/* Table columns seen for the first time become facets: ask again. */
		if (learnRecordFields(body.hits)) search();
	}

	/* Adds the names of the record fields in HITS to the facets asked for;
	 * true if there was a new one. */
	function learnRecordFields(hits) {
		let added = false;
		for (const h of Array.isArray(hits) ? hits : []) {
			if (h.type !== 'record' || !h.fields) continue;
			for (const f of Object.keys(h.fields)) {
				if (recordFields.length >= MAX_RECORD_FACETS) return added;
				if (NOT_FACETS.has(f) || BASE_FACETS.includes(f) || recordFields.includes(f) ||
				    /[,:]/.test(f))
					continue;
				recordFields.push(f);
				added = true;
			}
		}
		return added;
	}

	/* --- results ------------------------------------------------------------ */

	function showIdle() {
		ui.results.removeAttribute('aria-busy');
		ui.summary.textContent = '';
		ui.hits.replaceChildren();
		ui.facets.replaceChildren();
		ui.pager.hidden = true;
	}

	function formatMs(ms) {
		const t = Number(ms);
		if (!Number.isFinite(t)) return '';
		return (t < 10 ? t.toPrecision(2) : String(Math.round(t))) + ' ms';
	}

	function showResults(body) {
		const total = Number(body.total) || 0;
		const hits = Array.isArray(body.hits) ? body.hits : [];
		ui.summary.dataset.total = String(total);
		if (total === 0)
			ui.summary.textContent = '没有找到 “' + String(body.query ?? state.q) + '” · ' + formatMs(body.time_ms);
		else
			ui.summary.textContent = total + ' 条结果 · ' + formatMs(body.time_ms);
		showHits(hits, Number(body.offset) || 0);
		showFacets(body.facets || {});
		showPager(total, Number(body.offset) || 0);
	}

	function showHits(hits, offset) {
		ui.hits.replaceChildren(...hits.map((h) => hitItem(h)));
		ui.hits.start = offset + 1;
	}

	function hitItem(hit) {
		const li = el('li', 'hit ' + (hit.type === 'record' ? 'record' : 'notice'));
		if (hit.type === 'record') recordHit(li, hit);
		else noticeHit(li, hit);
		return li;
	}

	function noticeHit(li, hit) {
		const f = hit.fields || {};
		const inTitle = hit.snippet_field === 'title';
		const a = docLink(hit.id, 'hit-link hit-title');
		if (inTitle && hit.snippet) a.append(highlighted(hit.snippet, hit.matches));
		else a.textContent = hit.title || f.title || hit.id;
		li.append(a);
		const meta = el('p', 'hit-meta');
		if (f.kind) meta.append(el('span', 'tag', f.kind));
		meta.append([f.number, f.issuer || f.source, f.date].filter(Boolean).join(' · '));
		if (meta.childNodes.length) li.append(meta);
		if (!inTitle && hit.snippet) {
			const p = el('p', 'snippet');
			if (hit.snippet_field && hit.snippet_field !== 'body')
				p.append(el('span', 'tag', label(hit.snippet_field)));
			p.append(highlighted(hit.snippet, hit.matches));
			li.append(p);
		}
	}

	/* A record: its row, cells as "name: value" (the matched cell
	 * highlighted), then its notice's title, linked. */
	function recordHit(li, hit) {
		const f = hit.fields || {};
		const a = docLink(hit.id, 'hit-link');
		const tag = el('span', 'tag', '记录' + (hit.row ? ' · 第 ' + hit.row + ' 行' : ''));
		const cells = el('dl', 'cells');
		for (const [name, value] of Object.entries(f)) {
			if (name === 'notice_number') continue;
			const cell = el('div');
			const dd = el('dd');
			if (name === hit.snippet_field && hit.snippet) dd.append(highlighted(hit.snippet, hit.matches));
			else dd.textContent = String(value);
			cell.append(el('dt', '', name), dd);
			cells.append(cell);
		}
		a.append(tag, cells);
		li.append(a);
		if (hit.notice) {
			const p = el('p', 'hit-notice');
			const n = docLink(hit.notice, 'notice-link');
			n.textContent = hit.notice_title || hit.notice;
			p.append('↳ ', n);
			if (f.notice_number) p.append(' · ' + f.notice_number);
			li.append(p);
		}
	}

	function showFacets(facets) {
		const groups = [];
		const fields = Object.keys(facets);
		/* The document facets first, then the table columns. */
		fields.sort((a, b) => rank(a) - rank(b));
		for (const field of fields) {
			const g = facetGroup(field, facets[field]);
			if (g) groups.push(g);
		}
		ui.facets.replaceChildren(...groups);
	}

	function rank(field) {
		const i = BASE_FACETS.indexOf(field);
		return i >= 0 ? i : BASE_FACETS.length;
	}

	function facetGroup(field, counts) {
		if (!counts || typeof counts !== 'object') return null;
		let values = Object.entries(counts).filter(([, n]) => Number(n) > 0);
		/* Object keys that look like integers come out in ascending order
		 * whatever the server sent: sort again (years newest first). */
		if (field === 'year') values.sort((a, b) => b[0].localeCompare(a[0]));
		else values.sort((a, b) => Number(b[1]) - Number(a[1]));
		const active = state.filters.some((f) => fieldOf(f) === field);
		/* A table column whose values are each one row (a name, a number) or
		 * all digits (a row number) filters nothing useful. */
		if (!BASE_FACETS.includes(field) && !active &&
		    (values.every(([, n]) => Number(n) === 1) || values.every(([v]) => /^\d+$/.test(v))))
			return null;
		if (values.length === 0) return null;
		const section = el('section', 'facet');
		section.append(el('h2', '', label(field)));
		const ul = el('ul');
		values.forEach(([value, n], i) => {
			const li = el('li');
			if (i >= FACET_TOP) li.hidden = true;
			const b = el('button');
			b.type = 'button';
			b.dataset.field = field;
			b.dataset.value = value;
			b.setAttribute('aria-pressed', String(facetActive(field, value)));
			b.append(el('span', 'v', value), el('span', 'n', n));
			li.append(b);
			ul.append(li);
		});
		section.append(ul);
		if (values.length > FACET_TOP) {
			const more = el('button', 'more', '更多 (' + (values.length - FACET_TOP) + ')');
			more.type = 'button';
			more.addEventListener('click', () => {
				for (const li of ul.children) li.hidden = false;
				more.remove();
			});
			section.append(more);
		}
		return section;
	}

	function facetActive(field, value) {
		if (field === 'year') return state.after === value && state.before === value;
		return state.filters.includes(field + ':' + value);
	}

	/* A facet value clicked: a year sets the date range to that year, any
	 * other value adds the filter FIELD:VALUE; clicked again, it goes. */
	function toggleFacet(field, value) {
		if (field === 'year') {
			const on = facetActive(field, value);
			state.after = on ? '' : value;
			state.before = on ? '' : value;
		} else {
			const f = field + ':' + value;
			state.filters = state.filters.includes(f)
				? state.filters.filter((x) => x !== f)
				: state.filters.concat([f]);
		}
		changed(true);
	}

	function showChips() {
		const chips = [];
		const chip = (text, remove) => {
			const li = el('li');
			const b = el('button', '', text);
			b.type = 'button';
			b.title = '移除 (remove)';
			b.append(el('span', 'x', '×'));
			b.addEventListener('click', () => {
				remove();
				changed(true);
				ui.q.focus();
			});
			li.append(b);
			chips.push(li);
		};
		for (const f of state.filters) {
			const i = f.indexOf(':');
			chip(label(f.slice(0, i)) + ': ' + f.slice(i + 1), () => {
				state.filters = state.filters.filter((x) => x !== f);
			});
		}
		if (state.after && state.after === state.before) {
			chip('日期: ' + state.after, () => { state.after = state.before = ''; });
		} else {
			if (state.after) chip('从 ' + state.after, () => { state.after = ''; });
			if (state.before) chip('至 ' + state.before, () => { state.before = ''; });
		}
		ui.chips.replaceChildren(...chips);
	}

	function showPager(total, offset) {
		ui.pager.hidden = total <= LIMIT;
		ui.prev.disabled = offset <= 0;
		ui.next.disabled = offset + LIMIT >= total;
		const last = Math.min(offset + LIMIT, total);
		ui.pageInfo.textContent = (offset + 1) + '–' + last + ' / ' + total;
	}

	/* The state changed by a click (PUSH) or by typing: new URL, chips,
	 * and a search (at once after a click, debounced while typing). */
	function changed(push) {
		if (push) state.offset = 0;
		state.doc = '';
		saveURL(push);
		showState();
		showView();
		if (push) search();
		else scheduleSearch();
	}

	/* --- the document view ---------------------------------------------------- */

	function docPath(id) {
		return '/documents/' + id.split('/').map(encodeURIComponent).join('/');
	}

	async function showDoc(id) {
		if (docAbort) docAbort.abort();
		const abort = new AbortController();
		docAbort = abort;
		ui.docKind.textContent = '';
		ui.docTitle.textContent = '…';
		ui.docFields.replaceChildren();
		ui.docNotice.hidden = true;
		let res;
		let body;
		try {
			res = await api(docPath(id), { signal: abort.signal });
			body = await res.json();
		} catch (e) {
			if (e.name === 'AbortError') return;
			ui.docTitle.textContent = '无法打开文档 (cannot load the document)';
			return;
		}
		if (abort !== docAbort) return;
		if (!res.ok || !body || !body.document) {
			const err = body && body.error;
			ui.docTitle.textContent = err && err.code === 'not_found'
				? '文档不存在 (not found): ' + id
				: String((err && err.message) || '无法打开文档 (HTTP ' + res.status + ')');
			return;
		}
		renderDoc(body.document, body.notice);
	}

	function renderDoc(doc, notice) {
		const isRecord = doc.type === 'record';
		ui.docKind.textContent = (isRecord ? '记录 Record' + (doc.row ? ' · 第 ' + doc.row + ' 行' : '')
			: '公文 Notice') + ' · ' + doc.id;
		ui.docTitle.textContent = doc.title ||
			(isRecord ? (doc.notice_title || doc.notice || '') + (doc.row ? ' · 第 ' + doc.row + ' 行' : '') : doc.id);
		fillFields(ui.docFields, doc.fields || {});
		if (isRecord && (notice || doc.notice)) {
			const id = (notice && notice.id) || doc.notice;
			ui.docNoticeLink.href = urlOf(Object.assign({}, state, { doc: id }));
			ui.docNoticeLink.dataset.id = id;
			ui.docNoticeLink.textContent = (notice && notice.title) || doc.notice_title || id;
			/* Its title is the link above. */
			const fields = Object.assign({}, (notice && notice.fields) || {});
			delete fields.title;
			fillFields(ui.docNoticeFields, fields);
			ui.docNotice.hidden = false;
		}
		document.title = (ui.docTitle.textContent || doc.id) + ' · 公文搜索';
	}

	function fillFields(dl, fields) {
		const items = [];
		for (const [name, value] of Object.entries(fields)) {
			const dt = el('dt', '', label(name));
			if (FIELD_LABELS[name]) dt.append(el('span', 'en', name));
			const dd = el('dd', LONG_FIELDS.has(name) ? 'long' : '', String(value));
			items.push(dt, dd);
		}
		dl.replaceChildren(...items);
	}

	/* Shows the document view or the results, as the state says. */
	function showView() {
		const docOpen = Boolean(state.doc);
		if (docOpen === !ui.doc.hidden) return;
		if (docOpen) {
			resultsScrollY = window.scrollY;
			ui.results.hidden = true;
			ui.doc.hidden = false;
			window.scrollTo(0, 0);
		} else {
			ui.doc.hidden = true;
			ui.results.hidden = false;
			window.scrollTo(0, resultsScrollY);
		}
	}

	function openDoc(id) {
		lastOpened = id;
		state.doc = id;
		saveURL(true, { fromResults: true });
		showView();
		showDoc(id);
		ui.doc.focus({ preventScroll: true });
	}

	/* Back to the results: the browser's Back when the document was opened
	 * from them, else a new entry without the document. */
	function closeDoc() {
		if (history.state && history.state.fromResults) {
			history.back();
			return;
		}
		state.doc = '';
		saveURL(true);
		restore();
	}

	/* Shows what the state says, searching only if the results shown are
	 * not already the answer. */
	function restore() {
		showState();
		showView();
		if (state.doc) {
			showDoc(state.doc);
			ui.doc.focus({ preventScroll: true });
		} else if (lastOpened) {
			const a = ui.hits.querySelector('a.hit-link[data-id="' + CSS.escape(lastOpened) + '"]');
			if (a) a.focus({ preventScroll: true });
		}
		if (!shown || shown.key !== searchKey(state) || !state.q.trim()) search();
	}

	/* --- keyboard ------------------------------------------------------------- */

	function hitLinks() {
		return Array.from(ui.hits.querySelectorAll('a.hit-link'));
	}

	function onKey(e) {
		if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
		const t = e.target;
		const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement;
		if (e.key === 'Escape' && !ui.doc.hidden) {
			e.preventDefault();
			closeDoc();
		} else if (e.key === '/' && !typing) {
			e.preventDefault();
			ui.q.focus();
			ui.q.select();
		} else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && ui.doc.hidden) {
			const links = hitLinks();
			const i = links.indexOf(t);
			if (t === ui.q && e.key === 'ArrowDown' && links.length) {
				e.preventDefault();
				links[0].focus();
			} else if (i >= 0) {
				e.preventDefault();
				const j = e.key === 'ArrowDown' ? i + 1 : i - 1;
				if (j < 0) ui.q.focus();
				else if (j < links.length) links[j].focus();
			}
		}
	}

	/* --- wiring ---------------------------------------------------------------- */

	function markDate(input) {
		const bad = input.value !== '' && !DATE_RE.test(input.value);
		input.setAttribute('aria-invalid', String(bad));
		return bad;
	}

	function onDate(e) {
		const input = e.target;
		if (markDate(input)) {
			showError('日期格式: 2020、2020-03 或 2020-03-25 (YYYY, YYYY-MM or YYYY-MM-DD)');
			return;
		}
		hideError();
		state[input.id] = input.value;
		state.offset = 0;
		changed(false);
	}

	function onClick(e) {
		const a = e.target.closest('a[data-id]');
		if (a && e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey) {
			e.preventDefault();
			openDoc(a.dataset.id);
			return;
		}
		const b = e.target.closest('.facet button[data-field]');
		if (b) toggleFacet(b.dataset.field, b.dataset.value);
	}

	async function showStats() {
		try {
			const res = await api('/stats');
			const s = await res.json();
			if (!res.ok || !s || s.error) return;
			ui.stats.textContent = '索引 ' + s.documents + ' 篇文档: ' + s.notices + ' 公文, ' +
				s.records + ' 记录' + (s.last_commit ? ' · 更新于 ' + String(s.last_commit).slice(0, 10) : '');
		} catch (e) {
			/* The footer stays empty: the search box says what is wrong. */
		}
	}

	ui.keyForm.addEventListener('submit', (e) => {
		e.preventDefault();
		try { sessionStorage.setItem(KEY_STORE, ui.key.value); } catch (err) { /* storage off */ }
		ui.key.value = '';
		ui.keyForm.hidden = true;
		hideError();
		search();
		showStats();
	});

	ui.q.addEventListener('input', () => {
		state.q = ui.q.value;
		state.offset = 0;
		changed(false);
	});
	ui.form.addEventListener('submit', (e) => {
		e.preventDefault();
		state.q = ui.q.value;
		state.doc = '';
		saveURL(false);
		showView();
		search();
	});
	for (const r of document.querySelectorAll('input[name="type"]')) {
		r.addEventListener('change', () => {
			state.type = r.value;
			changed(true);
		});
	}
	ui.after.addEventListener('input', onDate);
	ui.before.addEventListener('input', onDate);
	ui.prev.addEventListener('click', () => page(-LIMIT));
	ui.next.addEventListener('click', () => page(LIMIT));
	ui.back.addEventListener('click', closeDoc);
	document.addEventListener('click', onClick);
	document.addEventListener('keydown', onKey);
	window.addEventListener('popstate', () => {
		state = readURL();
		restore();
	});

	function page(delta) {
		state.offset = Math.max(0, state.offset + delta);
		state.doc = '';
		saveURL(true);
		search();
		window.scrollTo(0, 0);
	}

	showStats();
	restore();
	if (!state.doc) ui.q.focus();
})();
