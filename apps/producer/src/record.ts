/** One user as it goes onto topic users_created; field names follow apps/schemas/users_created.avsc. */
export interface UserRecord {
  id: string;
  first_name: string;
  last_name: string;
  gender: string;
  address: string;
  post_code: string;
  email: string;
  username: string;
  dob: string;
  registered_date: string;
  phone: string;
  picture: string;
  country: string | null;
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
