-- Headless Neovim (0.7+) as an LSP client of the pgtls language server, for test/e2e/neovim.test.ts.
-- Starts the server, opens each file, and collects the textDocument/publishDiagnostics notifications (Neovim 0.7 has
-- no pull diagnostics, so the server pushes). Done when every file's latest notification holds every wanted rule id,
-- or at the deadline. Writes a JSON report to PGTLS_OUT and exits 0 when done, 1 otherwise.
-- Environment (all JSON where structured):
--   PGTLS_LSP_CMD   ["node", "/path/dist/server.js", "--stdio"]
--   PGTLS_FILES     ["/abs/pool_hba.conf", ...]
--   PGTLS_WANT      { "/abs/pool_hba.conf": ["pool-hba/..."], ... }
--   PGTLS_SETTINGS  settings answered to workspace/configuration, e.g. { "pgtls": { "checkFiles": false } }
--   PGTLS_OUT       report file;  PGTLS_TIMEOUT_MS  deadline (default 30000)
local function getenv(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then
    if default == nil then error(name .. ' is not set') end
    return default
  end
  return v
end

local function main()
  local cmd = vim.fn.json_decode(getenv('PGTLS_LSP_CMD'))
  local files = vim.fn.json_decode(getenv('PGTLS_FILES'))
  local want = vim.fn.json_decode(getenv('PGTLS_WANT', '{}'))
  local settings = vim.fn.json_decode(getenv('PGTLS_SETTINGS', '{}'))
  local timeout = tonumber(getenv('PGTLS_TIMEOUT_MS', '30000'))
  local root = vim.fn.fnamemodify(files[1], ':p:h')

  local latest, notifications, messages = {}, {}, {}
  local exited = false
  local client_id = vim.lsp.start_client({
    name = 'pgtls',
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
    settings = settings,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        latest[result.uri] = result
        table.insert(notifications, { uri = result.uri, count = #result.diagnostics })
        return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
      end,
      ['window/logMessage'] = function(_, result) table.insert(messages, result.message) end,
      ['window/showMessage'] = function(_, result) table.insert(messages, result.message) end,
    },
    on_exit = function() exited = true end,
  })
  if not client_id then error('could not start ' .. table.concat(cmd, ' ')) end

  local buffers = {}
  for _, file in ipairs(files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(bufnr, client_id)
    buffers[file] = { bufnr = bufnr, uri = vim.uri_from_bufnr(bufnr), filetype = vim.bo[bufnr].filetype }
  end

  local function complete()
    for _, file in ipairs(files) do
      local got = latest[buffers[file].uri]
      if not got then return false end
      for _, code in ipairs(want[file] or {}) do
        local found = false
        for _, d in ipairs(got.diagnostics) do if d.code == code then found = true end end
        if not found then return false end
      end
    end
    return true
  end

  local done = vim.wait(timeout, function() return complete() or exited end, 20)
  done = done and complete()

  local client = vim.lsp.get_client_by_id(client_id)
  local report = { done = done, server_exited = exited, files = {}, notifications = notifications, messages = messages }
  if client then
    report.server_info = client.server_info or vim.NIL
    report.pull_diagnostics_advertised = client.server_capabilities ~= nil and client.server_capabilities.diagnosticProvider ~= nil
  end
  for _, file in ipairs(files) do
    local b = buffers[file]
    local got = latest[b.uri]
    report.files[file] = {
      uri = b.uri,
      filetype = b.filetype,
      diagnostics = got and got.diagnostics or vim.NIL,
      -- what Neovim itself shows for the buffer (0-based lnum/col, like LSP)
      shown = vim.tbl_map(function(d)
        return { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, source = d.source, message = d.message }
      end, vim.diagnostic.get(b.bufnr)),
    }
  end
  local f = assert(io.open(getenv('PGTLS_OUT'), 'w'))
  f:write(vim.fn.json_encode(report))
  f:close()

  if client then client.stop() end
  vim.wait(3000, function() return exited end, 20)
  return done
end

-- Any Lua error must still end Neovim: a headless nvim would otherwise wait forever.
local ok, result = pcall(main)
if not ok then io.stderr:write('nvim-diagnostics.lua: ' .. tostring(result) .. '\n') end
if ok and result then vim.cmd('qall!') else vim.cmd('cquit 1') end
