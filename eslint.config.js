// ESLint flat config (ESLint 9+) for the page's modules and their node tests.
//
// eslint is not a devDependency: `npm ci` stays what the browser tests need.
// Run it without installing into the project:
//     npx --yes eslint@9 web/js tests/web
// Rules are listed here rather than taken from @eslint/js or the `globals`
// package, so the config loads with eslint alone.  Besides catching
// mistakes, it holds the layering of web/js (web/README.md): model/,
// layout/ and state/ run under node, so they may not touch the DOM or
// import ui/ or render/; render/ draws what it is given and may not import
// ui/ or state/.

const common = {
    Array: 'readonly', ArrayBuffer: 'readonly', Boolean: 'readonly', DataView: 'readonly',
    Date: 'readonly', Error: 'readonly', Float32Array: 'readonly', Float64Array: 'readonly',
    Infinity: 'readonly', Int32Array: 'readonly', Intl: 'readonly', JSON: 'readonly',
    Map: 'readonly', Math: 'readonly', NaN: 'readonly', Number: 'readonly', Object: 'readonly',
    Promise: 'readonly', RangeError: 'readonly', RegExp: 'readonly', Set: 'readonly',
    String: 'readonly', Symbol: 'readonly', SyntaxError: 'readonly', TypeError: 'readonly',
    Uint8Array: 'readonly', Uint16Array: 'readonly', Uint32Array: 'readonly', WeakMap: 'readonly',
    BigInt: 'readonly', Reflect: 'readonly', encodeURIComponent: 'readonly',
    decodeURIComponent: 'readonly', isFinite: 'readonly', isNaN: 'readonly',
    parseFloat: 'readonly', parseInt: 'readonly', undefined: 'readonly', globalThis: 'readonly',
    console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
    setInterval: 'readonly', clearInterval: 'readonly', queueMicrotask: 'readonly',
    structuredClone: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
    AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly',
    TextDecoder: 'readonly', fetch: 'readonly', performance: 'readonly', Blob: 'readonly',
    DOMException: 'readonly', Response: 'readonly', Headers: 'readonly',
};

const browser = {
    window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly',
    navigator: 'readonly', sessionStorage: 'readonly', localStorage: 'readonly',
    requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly',
    ResizeObserver: 'readonly', matchMedia: 'readonly', getComputedStyle: 'readonly',
    devicePixelRatio: 'readonly', innerWidth: 'readonly', innerHeight: 'readonly',
    alert: 'readonly', confirm: 'readonly', CSS: 'readonly', Node: 'readonly',
    Element: 'readonly', HTMLElement: 'readonly', Event: 'readonly', KeyboardEvent: 'readonly',
    MouseEvent: 'readonly', OffscreenCanvas: 'readonly', Path2D: 'readonly', Option: 'readonly',
    XMLSerializer: 'readonly', FormData: 'readonly', File: 'readonly', FileReader: 'readonly',
};

const node = {process: 'readonly', Buffer: 'readonly'};

const rules = {
    'no-undef': 'error',
    'no-unused-vars': ['error', {args: 'none', caughtErrors: 'none'}],
    'no-redeclare': 'error',
    'no-dupe-keys': 'error',
    'no-duplicate-case': 'error',
    'no-unreachable': 'error',
    'no-const-assign': 'error',
    'no-self-assign': 'error',
    'no-self-compare': 'error',
    'no-use-before-define': ['error', {functions: false, classes: false, variables: false}],
    'no-shadow-restricted-names': 'error',
    'no-fallthrough': 'error',
    'no-var': 'error',
    'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
    eqeqeq: ['error', 'always', {null: 'ignore'}],
    'no-eval': 'error',
    'no-implied-eval': 'error',
    'no-new-func': 'error',
    // Strings from profiles are data: they reach the page as textContent,
    // never as markup.
    'no-restricted-properties': ['error',
        {property: 'innerHTML', message: 'use textContent: profile strings are data'},
        {property: 'outerHTML', message: 'use textContent: profile strings are data'},
        {property: 'insertAdjacentHTML', message: 'use textContent: profile strings are data'},
    ],
};

const pureLayers = {
    'no-restricted-imports': ['error', {patterns: [
        {group: ['**/ui/*', '**/render/*'], message: 'model/, layout/ and state/ run under node'},
    ]}],
    'no-restricted-globals': ['error', 'window', 'document', 'location', 'history',
        'requestAnimationFrame', 'sessionStorage', 'localStorage'],
};

export default [
    {
        files: ['web/js/**/*.js', 'tests/web/**/*.js', 'eslint.config.js'],
        languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: common},
        rules,
    },
    {files: ['web/js/**/*.js'], languageOptions: {globals: {...common, ...browser}}},
    {files: ['tests/web/**/*.js'], languageOptions: {globals: {...common, ...node}}},
    {files: ['web/js/model/**/*.js', 'web/js/layout/**/*.js', 'web/js/state/**/*.js'],
        rules: pureLayers},
    {
        files: ['web/js/render/**/*.js'],
        rules: {'no-restricted-imports': ['error', {patterns: [
            {group: ['**/ui/*', '**/state/*'], message: 'render/ draws what it is given'},
        ]}]},
    },
];
