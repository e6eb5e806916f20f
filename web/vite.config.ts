import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app is served by Koppel's own server from web/dist: one origin, one login, no CDN. Hashed
// file names under /assets/ let the server cache them for a year.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The server's Content Security Policy allows no inline code; a tiny asset must stay a file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run web:dev` against a running `koppel start` on the default port.
    proxy: { '/api': 'http://127.0.0.1:8640', '/login': 'http://127.0.0.1:8640' },
  },
});
