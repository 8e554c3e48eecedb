/** A valid user record of the pipeline's schema, for the messages the harness writes itself. */
export function fixtureUser(id: string): Record<string, string | null> {
  return {
    id,
    first_name: "Fixture",
    last_name: "User",
    gender: "female",
    address: "1 Test Street, Testville",
    post_code: "12345",
    email: "fixture.user@example.com",
    username: "fixtureuser",
    dob: "1990-01-01T00:00:00.000Z",
    registered_date: "2020-01-01T00:00:00.000Z",
    phone: "555-0100",
    picture: "https://example.com/picture.jpg",
    country: null,
  };
}
