-- Headless Neovim (0.7+) as an LSP client of pgtls for issue 12's "Configuration and certificates are not linked"
-- (test/e2e/neovimConfigCerts.test.ts): on a pgpool.conf, the hover over the ssl_cert and ssl_key path values, and
-- the code actions of the diagnostic of a missing CA file (the "Generate … here" action and its command's argument).
-- Writes a JSON report to PGTLS_OUT; exits 0 when every step ran.
-- Environment: PGTLS_LSP_CMD (JSON argv), PGTLS_PGPOOL (absolute path), PGTLS_OUT, PGTLS_TIMEOUT_MS (default 20000).
local function getenv(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then
    if default == nil then error(name .. ' is not set') end
    return default
  end
  return v
end

local report = { steps = {} }
local client_id, exited = nil, false

local function main()
  local cmd = vim.fn.json_decode(getenv('PGTLS_LSP_CMD'))
  local pgpool = getenv('PGTLS_PGPOOL')
  local timeout = tonumber(getenv('PGTLS_TIMEOUT_MS', '20000'))
  local root = vim.fn.fnamemodify(pgpool, ':p:h')
  local latest = {}
  client_id = vim.lsp.start_client({
    name = 'pgtls', cmd = cmd, root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result) latest[result.uri] = result.diagnostics end,
      ['window/logMessage'] = function() end,
    },
    on_exit = function() exited = true end,
  })
  if not client_id then error('could not start ' .. table.concat(cmd, ' ')) end
  vim.cmd('edit ' .. vim.fn.fnameescape(pgpool))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local uri = vim.uri_from_bufnr(bufnr)
  local function wait(what, pred)
    local ok = vim.wait(timeout, function() return pred() or exited end, 20) and pred()
    table.insert(report.steps, { step = what, ok = ok })
    if not ok then error('step failed: ' .. what) end
  end
  local function request(method, params)
    local responses = vim.lsp.buf_request_sync(bufnr, method, params, timeout) or {}
    for _, r in pairs(responses) do if r.result then return r.result end end
    return nil
  end
  local function hover_at(needle)
    for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      local col = line:find(needle, 1, true)
      if col then
        local h = request('textDocument/hover', { textDocument = { uri = uri }, position = { line = i - 1, character = col + 1 } })
        return h and h.contents and (h.contents.value or h.contents) or nil
      end
    end
    error('no ' .. needle .. ' in the file')
  end

  local missing = 'pgpool-conf/ssl-file-missing'
  wait('the missing CA file reported', function()
    for _, d in ipairs(latest[uri] or {}) do if d.code == missing then return true end end
    return false
  end)
  report.hover_cert = hover_at("'tls/server.crt'")
  report.hover_key = hover_at("'tls/server.key'")
  local target
  for _, d in ipairs(latest[uri]) do if d.code == missing then target = d end end
  local actions = request('textDocument/codeAction', { textDocument = { uri = uri }, range = target.range, context = { diagnostics = { target } } }) or {}
  report.titles = vim.tbl_map(function(a) return a.title end, actions)
  for _, a in ipairs(actions) do
    if a.command and a.command.command == 'pgtls.generateTlsFiles' then report.generate = a.command end
  end
  return true
end

-- Any Lua error must still end Neovim (a headless nvim would otherwise wait forever), after writing the report.
local ok, result = pcall(main)
report.done = ok and result == true
if not ok then report.error = tostring(result) end
local f = assert(io.open(getenv('PGTLS_OUT'), 'w'))
f:write(vim.fn.json_encode(report))
f:close()
local client = client_id and vim.lsp.get_client_by_id(client_id)
if client then client.stop() end
vim.wait(3000, function() return exited end, 20)
if report.done then vim.cmd('qall!') else vim.cmd('cquit 1') end
