INSERT INTO customers (id, name, email) VALUES
    (1, 'Ada', 'ada@example.com'), (2, 'Brian', 'brian@example.org'),
    (3, 'Chen', 'chen@example.com'), (4, 'Dora', 'dora@example.net');
INSERT INTO addresses (id, customer_id, city, country) VALUES
    (1, 1, 'Berlin', 'DE'), (2, 1, 'Paris', 'FR'), (3, 2, 'Berlin', 'DE'), (4, 3, 'Lisbon', 'PT');
INSERT INTO orders (id, customer_id, billing_address_id, shipping_address_id, placed_on, status) VALUES
    (1, 1, 1, 2, '2026-10-01', 'shipped'), (2, 1, 1, 1, '2026-11-02', 'open'),
    (3, 2, 3, 3, '2026-11-10', 'shipped'), (4, 3, 4, NULL, '2026-11-20', 'open');
INSERT INTO products (id, sku, name, price_cents) VALUES
    (1, 'B-1', 'The SQL Book', 3900), (2, 'B-2', 'Rust in Practice', 4500),
    (3, 'K-1', 'Mechanical Keyboard', 12900), (4, 'M-1', 'Mouse', 2500);
INSERT INTO order_items (id, order_id, product_id, quantity) VALUES
    (1, 1, 1, 1), (2, 1, 3, 1), (3, 2, 2, 2), (4, 3, 1, 1), (5, 4, 4, 3);
INSERT INTO categories (id, name) VALUES (1, 'Books'), (2, 'Hardware'), (3, 'Gifts');
INSERT INTO product_categories (product_id, category_id) VALUES (1, 1), (2, 1), (3, 2), (4, 2), (1, 3);
INSERT INTO employees (id, name, manager_id) VALUES
    (1, 'Eve', NULL), (2, 'Finn', 1), (3, 'Gus', 1), (4, 'Hana', 3);
INSERT INTO warehouses (code, city) VALUES ('BER', 'Berlin'), ('LIS', 'Lisbon');
INSERT INTO stock (warehouse_code, product_id, on_hand) VALUES
    ('BER', 1, 10), ('BER', 3, 2), ('LIS', 1, 5), ('LIS', 4, 40);
INSERT INTO stock_counts (id, warehouse_code, product_id, counted_by, counted) VALUES
    (1, 'BER', 1, 3, 10), (2, 'LIS', 4, 4, 41), (3, 'BER', 3, 3, 2);
