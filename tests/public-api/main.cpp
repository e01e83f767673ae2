/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links every public header's translation unit: they compiled alone. */
int main()
{
	return 0;
}
