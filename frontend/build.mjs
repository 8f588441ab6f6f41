// Builds the front-end assets into frontend/dist (served by Django's staticfiles and whitenoise).
// Run by `make run` and `make test` through `npm run build`.
import { copyFileSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dist = join(root, 'frontend', 'dist')
const govuk = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')

mkdirSync(join(dist, 'css'), { recursive: true })
mkdirSync(join(dist, 'js'), { recursive: true })

const css = sass.compile(join(root, 'frontend', 'scss', 'app.scss'), {
  loadPaths: [join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import']
})
writeFileSync(join(dist, 'css', 'app.css'), css.css)

// Everything the built files refer to must be shipped beside them: the production storage
// (ManifestStaticFilesStorage) refuses a reference it cannot resolve, and then no page renders.
// GOV.UK Frontend's CSS refers to its images (the footer's crest) under $govuk-assets-path, and
// its bundle ends with a sourceMappingURL to all.bundle.js.map, which is resolved next to it.
cpSync(join(govuk, 'assets', 'images'), join(dist, 'assets', 'images'), { recursive: true })
copyFileSync(join(govuk, 'all.bundle.js'), join(dist, 'js', 'govuk-frontend.js'))
copyFileSync(join(govuk, 'all.bundle.js.map'), join(dist, 'js', 'all.bundle.js.map'))
for (const name of readdirSync(join(root, 'frontend', 'js'))) {
  copyFileSync(join(root, 'frontend', 'js', name), join(dist, 'js', name))
}
console.log('frontend: built', join(dist, 'css', 'app.css'))
