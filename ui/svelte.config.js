// Svelte compiler options shared by Vite, svelte-check and eslint-plugin-svelte.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Runes everywhere: no legacy `export let` or `$:` sneaks back in.
    runes: true,
  },
};
