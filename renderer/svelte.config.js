// Svelte config for the renderer (read by vite-plugin-svelte and svelte-check): runes mode for our own
// components, libraries in node_modules compile with their own settings.
export default {
  vitePlugin: {
    dynamicCompileOptions({ filename }) {
      if (!filename.includes('node_modules')) return { runes: true };
    },
  },
};
