import { expect, test, type Page } from '@playwright/test';

/*
 * The inspector tabs in the sandbox workspace's side panel, against the production build.
 * The workspace starts on 'order-happy'; "Run to end" runs it to its time limit.
 */

// Real stores (PGlite per SQL store) take a while to start on a busy 2-core machine.
const START_MS = 90_000;

async function runScenario(page: Page) {
  await page.goto('/sandbox/');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: START_MS });
  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: START_MS });
}

async function openStores(page: Page, service: string) {
  await page.getByRole('tab', { name: 'Stores' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Stores' });
  await panel.getByTestId('stores-service').selectOption(service);
  return panel;
}

test.describe('inspectors', () => {
  test.describe.configure({ timeout: 180_000 });
  test('KV inspector shows the inventory stock with types and TTLs', async ({ page }) => {
    await runScenario(page);
    const panel = await openStores(page, 'inventory');
    const kv = panel.getByTestId('kv-inventory.kv');
    const table = kv.getByRole('table', { name: 'Keys of inventory.kv' });
    const p1 = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'inv:p1' }) });
    await expect(p1).toContainText('hash');
    // The happy order took 2 of the 10 keyboards.
    await expect(p1).toContainText(/stock\s*10/);
    await expect(p1).toContainText(/available\s*8/);
    await expect(p1).toContainText('no expiry');
    await kv.getByLabel('Keys containing').fill('p2');
    await expect(table.getByRole('row')).toHaveCount(2); // header + inv:p2
  });

  test('rebuilding a projection moves the progress bar and says the view is equal', async ({ page }) => {
    await runScenario(page);
    const panel = await openStores(page, 'order');
    const model = panel.getByTestId('read-model-orders_view');
    await expect(model).toContainText('up to date');
    await model.getByRole('button', { name: 'Rebuild orders_view' }).click();
    const bar = model.getByTestId('rebuild-progress');
    await expect(bar).toBeVisible();
    await expect
      .poll(async () => Number(await bar.getAttribute('value')) / Number(await bar.getAttribute('max')))
      .toBe(1);
    await expect(model.getByTestId('rebuild-outcome')).toContainText('equal to the view before');
  });

  test('SQL console: an error with PostgreSQL’s message and position, a query that works, no way into another service’s schema', async ({ page }) => {
    await runScenario(page);
    const panel = await openStores(page, 'user');
    // The workspace runs the real engines: the user service's SQL store is PGlite, with a console.
    await expect(panel.getByText('This run uses in-memory tables instead of PostgreSQL')).toHaveCount(0);
    const consoleBox = panel.getByTestId('sql-console-user.db');
    const sql = consoleBox.getByLabel(/SQL on user\.db/);
    await sql.fill('SELECT name FROM userz');
    await sql.press('Control+Enter');
    const error = consoleBox.getByTestId('sql-error');
    await expect(error).toContainText('PostgreSQL error: relation "userz" does not exist');
    await expect(error).toContainText('At position 18');
    await sql.fill('SELECT id, name FROM users ORDER BY id');
    await consoleBox.getByRole('button', { name: 'Run' }).click();
    const result = consoleBox.getByTestId('sql-result');
    await expect(result).toContainText('the previous error left the database intact');
    await expect(result.getByRole('table')).toContainText('Alice');
    // Database per service: the payment service's tables are not reachable from here, even by qualified name.
    await sql.fill('SELECT * FROM payment_db.payments');
    await sql.press('Control+Enter');
    await expect(error).toContainText('Error: Service "user" tried to use store "payment.db" of service "payment"');
    await expect(error).not.toContainText('PostgreSQL error');
  });

  test('sagas, messages and metrics tabs draw the run', async ({ page }) => {
    await runScenario(page);
    await page.getByRole('tab', { name: 'Sagas' }).click();
    await expect(page.getByRole('tabpanel', { name: 'Sagas' }).getByRole('table', { name: 'Sagas as text' })).toContainText('completed');
    await page.getByRole('tab', { name: 'Messages' }).click();
    const msgs = page.getByRole('tabpanel', { name: 'Messages' });
    const first = msgs.getByRole('button', { name: /RegisterUser, client → user/ }).first();
    await first.focus();
    await expect(msgs.getByRole('complementary', { name: 'Message details' })).toContainText('alice@example.com');
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect(page.getByTestId('counter-dropped')).toContainText('0');
  });
});
