// Vite configuration for the desktop front end.
//
// The Tauri shell loads `ui/dist` in production and `http://localhost:5173` in development
// (`src-tauri/tauri.conf.json`: `frontendDist` and `devUrl`), so the port is fixed and strict.
// Nothing here may fetch from the network at run time, and the output must run under the
// shell's CSP (no eval, no inline scripts): `npm run build` checks dist/ with
// scripts/check-dist.js, and `vite preview` serves it under that same CSP so that a browser
// shows what the desktop window would.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { searchForWorkspaceRoot } from 'vite';
import { defineConfig } from 'vitest/config';

// The shell's Content-Security-Policy; keep in step with `app.security.csp` in
// src-tauri/tauri.conf.json.
const CSP = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  'connect-src ipc: http://ipc.localhost',
].join('; ');

// Set by the Tauri CLI when it runs `beforeDevCommand` / `beforeBuildCommand`.
const tauriPlatform = process.env.TAURI_ENV_PLATFORM;
const tauriDebug = Boolean(process.env.TAURI_ENV_DEBUG);

export default defineConfig({
  plugins: [svelte()],
  // Keep the Rust compiler's output visible when `tauri dev` shares the terminal.
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 5173,
    strictPort: true,
    host: '127.0.0.1',
    watch: {
      // The Rust side rebuilds itself; Vite must not watch its target folder.
      ignored: ['**/src-tauri/**', '**/target/**'],
    },
    fs: {
      // The harness (never built into dist/) shows the real BAnQ schedule, which lives with the
      // core's test data: that one file may be served from outside ui/, nothing else.
      allow: [
        searchForWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url))),
        fileURLToPath(new URL('../crates/core/tests/data/retention-schedule-banq.xml', import.meta.url)),
      ],
    },
  },
  preview: {
    port: 4173,
    strictPort: true,
    host: '127.0.0.1',
    headers: { 'Content-Security-Policy': CSP },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebView2 (Windows) is Chromium; WebKitGTK and WKWebView (Linux, macOS) are Safari-class.
    target: tauriPlatform === 'windows' ? 'chrome111' : 'safari16',
    minify: tauriDebug ? false : 'oxc',
    sourcemap: tauriDebug,
    // Fonts and images become files under dist/assets, never `data:` URLs in scripts.
    assetsInlineLimit: 0,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    unstubGlobals: true,
    unstubEnvs: true,
  },
});
